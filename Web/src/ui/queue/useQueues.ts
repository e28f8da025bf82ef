// Staff watch the live queues of their teams and the triage queue; selectors over them.
import { useEffect, useMemo } from "react";
import { live } from "../../live/liveClient";
import { useSelector } from "../../store/store";
import type { QueueState } from "../../store/state";
import type { TicketSummary } from "../../protocol/types";

/** Subscribes to team:<id> for every known team, and team:triage (mounted once for staff). */
export function useQueueSubscriptions(): void {
  const teams = useSelector((s) => s.teams);
  const key = Object.keys(teams).sort().join(",");
  useEffect(() => {
    const topics = ["team:triage", ...key.split(",").filter(Boolean).map((id) => `team:${id}`)];
    const stops = topics.map((t) => live.watchQueue(t));
    return () => stops.forEach((s) => s());
  }, [key]);
}

export interface QueueRow extends TicketSummary {
  fresh?: number;
}

/** All tickets of all watched queues, oldest waiting first within priority. */
export function useAllTickets(): QueueRow[] {
  const queues = useSelector((s) => s.queues);
  return useMemo(() => {
    const rows: QueueRow[] = [];
    for (const q of Object.values(queues) as QueueState[]) {
      for (const t of Object.values(q.tickets)) rows.push({ ...t, fresh: q.fresh[t.id] });
    }
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
    return rows.sort((a, b) => rank[a.priority] - rank[b.priority] || a.createdAt - b.createdAt);
  }, [queues]);
}
