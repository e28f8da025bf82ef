// Status and priority badges: text plus colour, never colour alone.
import type { Priority, Status } from "../../protocol/types";
import { PRIORITY_LABEL, STATUS_LABEL } from "./format";

const STATUS_STYLE: Record<Status, string> = {
  new: "bg-sky-100 text-sky-900 ring-sky-300 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-800",
  open: "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-800",
  pending: "bg-violet-100 text-violet-900 ring-violet-300 dark:bg-violet-950 dark:text-violet-100 dark:ring-violet-800",
  "on-hold": "bg-slate-200 text-slate-900 ring-slate-300 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700",
  solved: "bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-800",
  closed: "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700",
};

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      key={status}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset motion-safe:motion-scale-in-95 motion-safe:motion-duration-300 ${STATUS_STYLE[status]}`}
    >
      {STATUS_LABEL[status]}
    </span>
  );
}

const PRIORITY_STYLE: Record<Priority, string> = {
  low: "text-slate-600 dark:text-slate-400",
  normal: "text-slate-700 dark:text-slate-300",
  high: "text-orange-700 dark:text-orange-300 font-semibold",
  urgent: "text-red-700 dark:text-red-300 font-bold",
};

export function PriorityLabel({ priority }: { priority: Priority }) {
  return (
    <span className={`inline-flex items-center gap-1 text-xs ${PRIORITY_STYLE[priority]}`}>
      <span aria-hidden="true">{priority === "urgent" ? "⬆⬆" : priority === "high" ? "⬆" : priority === "low" ? "⬇" : "•"}</span>
      {PRIORITY_LABEL[priority]}
    </span>
  );
}
