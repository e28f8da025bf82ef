// What the live layer reports to the store: the connection's state and each ticket document's status.
// A layer below both live/ (which produces them) and store/ (which keeps them), so store never imports live.

export type ConnState = "connecting" | "open" | "reconnecting" | "refused" | "offline" | "signed_out" | "stopped";

export interface ConnSnapshot {
  state: ConnState;
  /** Failed attempts since the last successful hello. */
  attempt: number;
  /** When the next attempt starts (ms since epoch), while reconnecting. */
  retryAt: number | null;
  /** This connection's id from hello. */
  connection: string | null;
  /** Why the server refuses the handshake (state "refused"), in the server's words. */
  refusal: string | null;
}

/**
 * Why the server refuses this person one more live connection (the per-person cap: an HTTP 429 on the
 * handshake, or close code 4009 after it).
 */
export const TOO_MANY_CONNECTIONS =
  "Too many Tandem tabs or windows are open for your account, so the server refused one more live connection. Close some; this one reconnects by itself.";

/** Where one ticket document stands: its subscription, or why it has none. */
export type DocStatus = "idle" | "subscribing" | "live" | "not_found" | "forbidden" | "error";
