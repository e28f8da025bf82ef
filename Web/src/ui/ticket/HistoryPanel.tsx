// The ticket's history, newest first.
import type { HistoryEntry } from "../../protocol/types";
import { useSelector } from "../../store/store";
import { relativeTime } from "../common/format";

const FIELD: Record<string, string> = {
  subject: "subject", status: "status", priority: "priority", assignee: "assignee", team: "team", tags: "tags",
  comment: "comment", description: "description", internalNotes: "internal notes", replyDraft: "reply draft",
  draftMode: "the draft's mode",
};
/** Events that are a sentence of their own (no from/to worth showing). */
const EVENT: Record<string, string> = {
  comment: "commented",
  reply: "sent a public reply (undo window)",
  withdrawn: "took a public reply back",
};

export function HistoryPanel({ history }: { history: HistoryEntry[] }) {
  const users = useSelector((s) => s.users);
  const teams = useSelector((s) => s.teams);
  const name = (field: string, v?: string) =>
    v === undefined ? "none" : field === "assignee" ? users[v]?.name ?? v : field === "team" ? teams[v]?.name ?? v : v;
  const items = history.slice(-40).reverse();
  if (items.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No changes yet.</p>;
  return (
    <ol className="space-y-2 text-sm" aria-label="History" data-testid="history">
      {items.map((h) => (
        <li key={`${h.version}-${h.field}`} className="flex gap-2">
          <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-slate-400" aria-hidden="true" />
          <span className="min-w-0">
            <span className="font-medium">{users[h.actor]?.name ?? "Someone"}</span>{" "}
            {EVENT[h.field] !== undefined
              ? EVENT[h.field]
              : ["description", "internalNotes", "replyDraft"].includes(h.field)
                ? `edited the ${FIELD[h.field]}`
                : `changed ${FIELD[h.field] ?? h.field} from ${name(h.field, h.from)} to ${name(h.field, h.to)}`}
            <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">{relativeTime(h.at)}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}
