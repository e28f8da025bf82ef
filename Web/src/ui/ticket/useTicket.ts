// Opens a live ticket for the life of a component and returns its state from the store.
import { useEffect } from "react";
import { live } from "../../live/liveClient";
import { useSelector } from "../../store/store";
import type { TicketState } from "../../store/state";

export function useTicket(id: string): TicketState | undefined {
  useEffect(() => live.openTicket(id), [id]);
  return useSelector((s) => s.tickets[id]);
}
