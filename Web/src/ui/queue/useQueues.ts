// Staff watch the live queues of their teams and the triage queue; selectors over them.
import { useEffect, useMemo } from "react";
import { live } from "../../live/liveClient";
import { useSelector } from "../../store/store";
import type { QueueState } from "../../store/state";
import type { TicketSummary } from "../../protocol/types";

/** The queue topics staff watch: team:triage and team:<id> for every known team. */
function queueTopics(teamIds: string): string[] {
  return ["team:triage", ...teamIds.split(",").filter(Boolean).map((id) => `team:${id}`)];
}

/** Subscribes to team:<id> for every known team, and team:triage (mounted once for staff). */
export function useQueueSubscriptions(): void {
  const teams = useSelector((s) => s.teams);
  const key = Object.keys(teams).sort().join(",");
  useEffect(() => {
    const topics = queueTopics(key);
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

export type QueueLoad = { state: "loading" } | { state: "refused"; reason: string } | { state: "loaded"; error?: string };

/**
 * Whether the queues behind the list have answered: "loaded" once every watched topic (or the one
 * the team filter picks) has its snapshot or an error. Until then an empty list means nothing, so
 * the list shows this instead of "Nothing waiting here".
 */
export function useQueueLoad(team: string): QueueLoad {
  const queues = useSelector((s) => s.queues);
  const teams = useSelector((s) => s.teams);
  const conn = useSelector((s) => s.connection);
  const key = Object.keys(teams).sort().join(",");
  return useMemo((): QueueLoad => {
    const topics = team ? [team === "triage" ? "team:triage" : `team:${team}`] : queueTopics(key);
    if (topics.every((t) => queues[t])) {
      const error = topics.map((t) => queues[t]?.error).find(Boolean);
      return error ? { state: "loaded", error } : { state: "loaded" };
    }
    if (conn.state === "refused") return { state: "refused", reason: conn.refusal ?? "This server refused the connection." };
    return { state: "loading" };
  }, [queues, key, team, conn.state, conn.refusal]);
}
