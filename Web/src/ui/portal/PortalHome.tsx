// The customer's own tickets; refreshed when a notification says one of them changed.
import { useCallback, useEffect, useState } from "react";
import { api, type TicketListItem } from "../../api/endpoints";
import { ApiError } from "../../api/http";
import { Link } from "../common/Link";
import { StatusBadge } from "../common/Badges";
import { relativeTime } from "../common/format";
import { ticketRef } from "../common/useTicketRef";
import { SkeletonRows } from "../common/Skeleton";
import { btnPrimary, card } from "../common/ui";

export function PortalHome() {
  const [items, setItems] = useState<TicketListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .myTickets()
      .then((p) => setItems([...p.items].reverse()))
      .catch((e) => setError(e instanceof ApiError ? e.message : "Could not load your tickets."));
  }, []);
  useEffect(() => {
    load();
    window.addEventListener("tandem:notification", load);
    return () => window.removeEventListener("tandem:notification", load);
  }, [load]);

  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Your tickets</h1>
        <Link href="/portal/new" className={btnPrimary}>New ticket</Link>
      </div>
      {error && <p role="alert" className="text-red-700">{error}</p>}
      {items === null && !error && <SkeletonRows rows={3} label="Loading your tickets" testId="tickets-loading" />}
      {items?.length === 0 && (
        <div className={`${card} p-8 text-center`}>
          <p className="font-medium">No tickets yet.</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Tell us what is going on and we will get back to you here.</p>
        </div>
      )}
      <ul className="space-y-2" data-testid="my-tickets">
        {items?.map((t) => (
          <li key={t.id}>
            <Link href={`/portal/tickets/${ticketRef(t)}`} className={`${card} flex items-center gap-3 p-4 hover:border-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600`}>
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium">{t.number > 0 && <span className="mr-2 tabular-nums text-slate-600 dark:text-slate-400">#{t.number}</span>}{t.subject}</span>
                <span className="text-xs text-slate-600 dark:text-slate-400">Updated {relativeTime(Date.parse(t.updatedAt))}</span>
              </span>
              <StatusBadge status={t.status} />
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
