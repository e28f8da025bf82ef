// The live queue: filters, and a keyboard-navigable list where new and changed tickets animate in.
import { useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import { navigate, useRoute } from "../../app/router";
import { ensureUser } from "../../app/session";
import { useSelector } from "../../store/store";
import { STATUSES, type Status } from "../../protocol/types";
import { useAllTickets, useQueueLoad, type QueueLoad } from "./useQueues";
import { PriorityLabel, StatusBadge } from "../common/Badges";
import { Avatar } from "../common/Avatar";
import { STATUS_LABEL, relativeTime } from "../common/format";
import { focusRing, input } from "../common/ui";
import { useNow } from "../common/useNow";
import { ticketRef } from "../common/useTicketRef";
import { SkeletonRows } from "../common/Skeleton";

export function QueueList({ selected }: { selected?: string }) {
  const { query } = useRoute();
  const all = useAllTickets();
  const teams = useSelector((s) => s.teams);
  const users = useSelector((s) => s.users);
  const me = useSelector((s) => s.session.user?.id);
  const now = useNow(30000);
  const team = query.get("team") ?? "";
  const status = query.get("status") ?? "";
  const who = query.get("who") ?? "";
  const listRef = useRef<HTMLUListElement>(null);
  const load = useQueueLoad(team);

  const rows = useMemo(
    () =>
      all.filter(
        (t) =>
          (!team || (team === "triage" ? !t.team : t.team === team)) &&
          (!status || status.split(",").includes(t.status)) &&
          (!who || (who === "mine" ? t.assignee === me : !t.assignee)),
      ),
    [all, team, status, who, me],
  );
  useEffect(() => rows.slice(0, 60).forEach((r) => ensureUser(r.requester)), [rows]);

  const setParam = (k: string, v: string) => {
    const q = new URLSearchParams(query);
    if (v) q.set(k, v);
    else q.delete(k);
    navigate(`/queue${q.toString() ? `?${q}` : ""}`, true);
  };
  const open = (ref: string) => navigate(`/tickets/${ref}${query.toString() ? `?${query}` : ""}`);

  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>("a[data-row]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLAnchorElement);
    const go = (j: number) => items[Math.max(0, Math.min(items.length - 1, j))]?.focus();
    if (e.key === "ArrowDown" || e.key === "j") (e.preventDefault(), go(i + 1));
    else if (e.key === "ArrowUp" || e.key === "k") (e.preventDefault(), go(i - 1));
    else if (e.key === "Home") (e.preventDefault(), go(0));
    else if (e.key === "End") (e.preventDefault(), go(items.length - 1));
  };

  return (
    <section aria-labelledby="queue-heading" className="flex min-h-0 flex-col gap-3">
      <div className="flex items-baseline justify-between">
        <h1 id="queue-heading" className="text-lg font-semibold">Queue</h1>
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="queue-count" aria-live="polite">{load.state === "loaded" || rows.length > 0 ? `${rows.length} tickets` : "…"}</span>
      </div>
      <div className="grid grid-cols-3 gap-2">
        <label className="sr-only" htmlFor="f-team">Team</label>
        <select id="f-team" className={`${input} py-1.5 text-xs`} value={team} onChange={(e) => setParam("team", e.target.value)}>
          <option value="">All teams</option>
          <option value="triage">Triage</option>
          {Object.values(teams).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
        <label className="sr-only" htmlFor="f-status">Status</label>
        <select id="f-status" className={`${input} py-1.5 text-xs`} value={status} onChange={(e) => setParam("status", e.target.value)}>
          <option value="">Any status</option>
          <option value="new,open">New or open</option>
          {STATUSES.filter((s) => s !== "closed").map((s: Status) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
        </select>
        <label className="sr-only" htmlFor="f-who">Assignee</label>
        <select id="f-who" className={`${input} py-1.5 text-xs`} value={who} onChange={(e) => setParam("who", e.target.value)}>
          <option value="">Anyone</option>
          <option value="mine">Mine</option>
          <option value="unassigned">Unassigned</option>
        </select>
      </div>
      <ul ref={listRef} onKeyDown={onKey} className="flex flex-col gap-1.5 overflow-auto" aria-label="Tickets (arrow keys move, Enter opens)" data-testid="queue">
        {rows.length === 0 && <EmptyQueue load={load} />}
        {rows.map((t) => {
          const fresh = t.fresh && now - t.fresh < 4000;
          return (
            <li key={t.id} className={fresh ? "motion-safe:motion-preset-slide-right" : undefined}>
              <a
                data-row
                data-testid="queue-row"
                data-id={t.id}
                data-number={t.number}
                href={`/tickets/${ticketRef(t)}`}
                aria-current={selected === t.id ? "true" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  open(ticketRef(t));
                }}
                className={`block rounded-lg border p-3 transition-colors ${focusRing} ${
                  selected === t.id
                    ? "border-indigo-500 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950"
                    : "border-slate-200 bg-white hover:border-slate-300 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-slate-700"
                } ${fresh ? "ring-2 ring-indigo-300 dark:ring-indigo-700" : ""}`}
              >
                <div className="flex items-start gap-2">
                  {t.number > 0 && <span className="shrink-0 text-sm tabular-nums text-slate-600 dark:text-slate-400" data-testid="queue-number">#{t.number}</span>}
                  <span className="min-w-0 flex-1 truncate text-sm font-medium">{t.subject}</span>
                  {t.assignee && <Avatar id={t.assignee} name={users[t.assignee]?.name ?? "?"} size={22} />}
                </div>
                <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                  <StatusBadge status={t.status} />
                  <PriorityLabel priority={t.priority} />
                  <span className="truncate">{users[t.requester]?.name ?? ""}</span>
                  <span className="ml-auto">{relativeTime(t.updatedAt, now)}</span>
                </div>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** What an empty list means: still loading, refused, failed, or truly nothing waiting. */
function EmptyQueue({ load }: { load: QueueLoad }) {
  const box = "rounded-lg border border-dashed p-6 text-center text-sm";
  if (load.state === "loading")
    return <li><SkeletonRows rows={6} label="Loading the queue" testId="queue-loading" /></li>;
  if (load.state === "refused" || load.error)
    return (
      <li role="alert" data-testid="queue-error" className={`${box} border-red-300 text-red-800 dark:border-red-800 dark:text-red-200`}>
        The queue could not load. {load.state === "refused" ? load.reason : load.error}
      </li>
    );
  return <li data-testid="queue-empty" className={`${box} border-slate-300 text-slate-600 dark:border-slate-700 dark:text-slate-400`}>Nothing waiting here. 🎉</li>;
}
