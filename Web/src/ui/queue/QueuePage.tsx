// Agent workspace: the queue beside the open ticket (stacked on small screens).
import { Link } from "../common/Link";
import { QueueList } from "./QueueList";
import { TicketPage } from "../ticket/TicketPage";
import { useRoute } from "../../app/router";
import { TicketMissing, TicketSkeleton } from "../common/TicketStates";

/** `ticketMissing`: a ticket was asked for by number and is being found (null) or does not exist. */
export function QueuePage({ ticketId, ticketMissing }: { ticketId?: string; ticketMissing?: string | null }) {
  const { query } = useRoute();
  const back = `/queue${query.toString() ? `?${query}` : ""}`;
  return (
    <div className="grid gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <div className={`${ticketId || ticketMissing !== undefined ? "hidden lg:flex" : "flex"} flex-col lg:sticky lg:top-4 lg:max-h-[calc(100vh-6rem)]`}>
        <QueueList selected={ticketId} />
      </div>
      {ticketMissing !== undefined ? (
        <div className="min-w-0">{ticketMissing === null ? <TicketSkeleton /> : <TicketMissing message={ticketMissing} back={back} backLabel="Back to the queue" />}</div>
      ) : ticketId ? (
        <div className="min-w-0">
          <Link href={back} className="mb-2 inline-block text-sm font-medium text-indigo-700 underline-offset-2 hover:underline lg:hidden dark:text-indigo-300">
            ← Back to the queue
          </Link>
          <TicketPage key={ticketId} id={ticketId} />
        </div>
      ) : (
        <div className="hidden items-center justify-center rounded-xl border border-dashed border-slate-300 p-12 text-center text-slate-600 lg:flex dark:border-slate-700 dark:text-slate-400">
          Pick a ticket. Use ↑ ↓ to move through the queue and Enter to open.
        </div>
      )}
    </div>
  );
}
