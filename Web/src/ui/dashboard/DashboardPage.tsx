// Supervisor dashboard: per team, live numbers and small charts; every number drills down into the queue.
import { useEffect } from "react";
import { useSelector } from "../../store/store";
import { ensureUser } from "../../app/session";
import type { QueueState } from "../../store/state";
import { STATUSES } from "../../protocol/types";
import { Bars } from "./Bars";
import { Link } from "../common/Link";
import { STATUS_LABEL, duration } from "../common/format";
import { card } from "../common/ui";
import { useNow } from "../common/useNow";
import { SkeletonRows } from "../common/Skeleton";

const STATUS_COLOR: Record<string, string> = { new: "#0369a1", open: "#b45309", pending: "#6d28d9", "on-hold": "#475569", solved: "#047857" };

export function DashboardPage() {
  const queues = useSelector((s) => s.queues);
  const teams = useSelector((s) => s.teams);
  const ordered = (Object.values(queues) as QueueState[]).sort((a, b) => (a.team ? teams[a.team]?.name ?? "" : "").localeCompare(b.team ? teams[b.team]?.name ?? "" : ""));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h1 className="text-lg font-semibold" data-testid="dashboard-title">Team dashboard</h1>
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="dashboard-subtitle">Live: numbers change as tickets move.</p>
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {ordered.map((q) => <TeamCard key={q.topic} q={q} />)}
        {ordered.length === 0 && <SkeletonRows rows={3} label="Loading the teams' numbers" testId="dashboard-loading" />}
      </div>
    </div>
  );
}

function TeamCard({ q }: { q: QueueState }) {
  const teams = useSelector((s) => s.teams);
  const users = useSelector((s) => s.users);
  const now = useNow(1000);
  useEffect(() => Object.keys(q.stats?.load ?? {}).forEach((id) => ensureUser(id)), [q.stats]);
  const name = q.team ? teams[q.team]?.name ?? "Team" : "Triage";
  const teamParam = q.team ?? "triage";
  const s = q.stats;
  if (q.error) return <section className={`${card} p-4`}><h2 className="font-semibold">{name}</h2><p className="text-sm text-red-700">{q.error}</p></section>;
  if (!s) return null;
  // Waiting on the team: new or open. Pending, on-hold and solved tickets wait on someone else.
  const waiting = (s.byStatus.new ?? 0) + (s.byStatus.open ?? 0);
  const slug = name.toLowerCase().replace(/[^a-z]+/g, "-");
  const tile = (label: string, value: string | number, testId: string, href?: string, warn = false) => (
    <Link href={href ?? `/queue?team=${teamParam}`} className={`rounded-lg p-2 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800 ${warn ? "text-red-800 dark:text-red-300" : ""}`}>
      <span className="block whitespace-nowrap text-xl font-bold tabular-nums motion-safe:motion-preset-fade sm:text-2xl" key={String(value)} data-testid={testId}>{value}</span>
      <span className="block text-xs text-slate-600 dark:text-slate-400">{label}</span>
    </Link>
  );
  return (
    <section className={`${card} space-y-4 p-4`} aria-labelledby={`dash-${slug}`} data-testid={`dash-${slug}`}>
      <h2 id={`dash-${slug}`} className="font-semibold">{name}</h2>
      <div className="grid grid-cols-4 gap-1 text-center">
        {tile("new or open", waiting, "stat-total", `/queue?team=${teamParam}&status=new,open`)}
        {tile("unassigned", s.unassigned, "stat-unassigned", `/queue?team=${teamParam}&who=unassigned`)}
        {tile("at risk", s.atRisk, "stat-at-risk", undefined, s.atRisk > 0)}
        {tile("oldest waiting", s.oldestWaitingSince ? duration(now - s.oldestWaitingSince) : "—", "stat-oldest")}
      </div>
      <Bars
        title="By status"
        bars={STATUSES.filter((x) => x !== "closed").map((x) => ({
          key: x,
          label: STATUS_LABEL[x],
          value: s.byStatus[x] ?? 0,
          color: STATUS_COLOR[x]!,
          href: `/queue?team=${teamParam}&status=${x}`,
          testId: `stat-${x}`,
        }))}
      />
      <Bars
        title="Load per agent (unresolved)"
        bars={Object.entries(s.load)
          .sort((a, b) => b[1] - a[1])
          .map(([id, n]) => ({ key: id, label: users[id]?.name ?? "…", value: n, color: "#4338ca", testId: `load-${id}` }))}
      />
    </section>
  );
}
