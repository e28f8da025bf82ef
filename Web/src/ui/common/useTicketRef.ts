// A ticket named in a URL by number (/tickets/1042) or by id (/tickets/tkt_…): the id to open.
import { useEffect, useState } from "react";
import { api } from "../../api/endpoints";
import { ApiError } from "../../api/http";

/** `1042` or `#1042`: a ticket number; anything else is an id. */
export function ticketNumberOf(ref: string): number | null {
  const m = /^#?(\d{1,15})$/.exec(ref.trim());
  return m ? Number(m[1]) : null;
}

/** The path segment that names a ticket: its number when it has one, else its id. */
export const ticketRef = (t: { id: string; number?: number }): string => (t.number ? String(t.number) : t.id);

const resolved = new Map<number, string>();

export interface TicketRef {
  id?: string;
  error?: string;
}

/** Resolves `ref` to a ticket id: at once for an id, by asking the server for a number. */
export function useTicketRef(ref: string): TicketRef {
  const number = ticketNumberOf(ref);
  const known = number === null ? ref : resolved.get(number);
  const [state, setState] = useState<TicketRef>({ id: known });
  useEffect(() => {
    if (number === null || resolved.has(number)) {
      setState({ id: number === null ? ref : resolved.get(number) });
      return;
    }
    let live = true;
    setState({});
    api.ticket(String(number)).then(
      (t) => {
        resolved.set(number, t.id);
        if (live) setState({ id: t.id });
      },
      (e: unknown) => {
        if (!live) return;
        const missing = e instanceof ApiError && e.status === 404;
        setState({ error: missing ? `There is no ticket #${number}, or you do not have access to it.` : e instanceof ApiError ? e.message : "This ticket could not be opened." });
      },
    );
    return () => {
      live = false;
    };
  }, [ref, number]);
  return number === null ? { id: ref } : known ? { id: known } : state;
}
