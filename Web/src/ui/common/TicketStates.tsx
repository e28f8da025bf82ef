// What a ticket page shows before its ticket is there: a skeleton while it loads, and a way on when it is missing.
import { Link } from "./Link";
import { btnSecondary, card } from "./ui";

/** The shape of a ticket page, pulsing, while it loads (announced once to screen readers). */
export function TicketSkeleton() {
  const bar = "rounded bg-slate-200 dark:bg-slate-800";
  return (
    <div role="status" aria-label="Loading the ticket" data-testid="ticket-skeleton" className="space-y-4 motion-safe:animate-pulse">
      <div className={`${card} space-y-3 p-4`}>
        <div className="flex gap-2">
          <div className={`${bar} h-5 w-12`} />
          <div className={`${bar} h-5 w-16`} />
          <div className={`${bar} h-5 w-40`} />
        </div>
        <div className={`${bar} h-7 w-2/3`} />
      </div>
      <div className={`${card} space-y-2 p-4`}>
        <div className={`${bar} h-4 w-24`} />
        <div className={`${bar} h-4 w-full`} />
        <div className={`${bar} h-4 w-5/6`} />
        <div className={`${bar} h-4 w-1/2`} />
      </div>
    </div>
  );
}

/** The sentence for a ticket the server would not open (its bare "No such ticket." says too little). */
export function missingMessage(error: string | null | undefined): string {
  if (!error || /^no such ticket\.?$/i.test(error.trim()))
    return "There is no such ticket, or you do not have access to it. It may have been deleted after it was closed.";
  return error;
}

/** A ticket that cannot be shown: why, in words, and the way back. */
export function TicketMissing({ message, back, backLabel }: { message: string; back: string; backLabel: string }) {
  return (
    <div role="alert" data-testid="ticket-missing" className={`${card} space-y-3 p-6`}>
      <h2 className="text-lg font-semibold">This ticket cannot be shown</h2>
      <p className="text-sm text-slate-700 dark:text-slate-300">{message}</p>
      <p className="text-sm text-slate-700 dark:text-slate-300">Check the number or the link, or search for the ticket.</p>
      <Link href={back} className={btnSecondary}>{backLabel}</Link>
    </div>
  );
}
