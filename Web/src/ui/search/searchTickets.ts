// What the header's search asks the server for a query, and how the answers merge.
import { api, type TicketListItem } from "../../api/endpoints";
import { ticketNumberOf } from "../common/useTicketRef";

export interface SearchHit {
  ticket: TicketListItem;
  /** Why it matched, for people: "number", "text", "tag billing", "customer Ada …". */
  why: string;
}

/** `tag:billing` searches a tag; anything else searches numbers and text, and for staff also tags and customers. */
export async function searchTickets(query: string, staff: boolean): Promise<SearchHit[]> {
  const q = query.trim();
  if (!q) return [];
  const tagOnly = /^tag:(\S+)$/i.exec(q);
  const asks: Promise<SearchHit[]>[] = [];
  const hits = (why: (t: TicketListItem) => string) => (p: { items: TicketListItem[] }) => p.items.map((ticket) => ({ ticket, why: why(ticket) }));
  if (tagOnly) {
    asks.push(api.searchTickets({ tag: tagOnly[1]!.toLowerCase() }).then(hits(() => `tag ${tagOnly[1]!.toLowerCase()}`)));
  } else {
    const number = ticketNumberOf(q);
    asks.push(api.searchTickets({ q }).then(hits((t) => (number !== null && t.number === number ? "number" : "text"))));
    if (staff && /^[\p{L}\p{N}_-]+$/u.test(q)) asks.push(api.searchTickets({ tag: q.toLowerCase() }).then(hits(() => `tag ${q.toLowerCase()}`)));
    if (staff && number === null && q.length >= 2) {
      asks.push(
        api.findCustomers(q).then((people) =>
          // Lists run oldest first: take a page and keep the customer's newest five.
          Promise.all(
            people.items.map((u) =>
              api.searchTickets({ requester: u.id }, 200).then((p) => hits(() => `customer ${u.name}`)({ items: p.items.slice(-5) })),
            ),
          ).then((l) => l.flat()),
        ),
      );
    }
  }
  const answers = await Promise.allSettled(asks);
  if (answers.every((a) => a.status === "rejected")) throw (answers[0] as PromiseRejectedResult).reason;
  const seen = new Set<string>();
  const merged: SearchHit[] = [];
  for (const a of answers) {
    if (a.status !== "fulfilled") continue;
    for (const hit of a.value) {
      if (seen.has(hit.ticket.id)) continue;
      seen.add(hit.ticket.id);
      merged.push(hit);
    }
  }
  // An exact number first, then the newest.
  return merged.sort((a, b) => Number(b.why === "number") - Number(a.why === "number") || b.ticket.number - a.ticket.number).slice(0, 12);
}
