// Unsaved ticket edits in sessionStorage, so a reload or a crash of the tab keeps them (per tab).
import type { PersistedDoc } from "./ticketDoc";

const PREFIX = "tandem.unsaved.";

export function loadUnsaved(ticketId: string): PersistedDoc | undefined {
  try {
    const raw = sessionStorage.getItem(PREFIX + ticketId);
    return raw ? (JSON.parse(raw) as PersistedDoc) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes (or, with null, clears) the unsaved state of one ticket. */
export function saveUnsaved(ticketId: string, state: PersistedDoc | null): void {
  try {
    if (state) sessionStorage.setItem(PREFIX + ticketId, JSON.stringify(state));
    else sessionStorage.removeItem(PREFIX + ticketId);
  } catch {
    // Storage full or disabled: the edits are still kept in memory.
  }
}

/** Ticket ids with unsaved edits in this tab. */
export function unsavedTicketIds(): string[] {
  const ids: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const k = sessionStorage.key(i);
    if (k?.startsWith(PREFIX)) ids.push(k.slice(PREFIX.length));
  }
  return ids;
}
