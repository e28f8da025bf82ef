// The WebSocket connection state machine: connect → hello → open; drop → backoff → reconnect.
// Authenticates with the tandem_session cookie the browser sends on the upgrade (PROTOCOL.md §2.1, way 2).
import { TOO_MANY_CONNECTIONS, type ConnSnapshot } from "../model/live";
import type { ClientMessage, ServerFrame } from "../protocol/types";

export interface ConnHooks {
  state(s: ConnSnapshot): void;
  hello(f: Extract<ServerFrame, { type: "hello" }>): void;
  frame(f: ServerFrame): void;
  closed(): void;
  /**
   * After a handshake that failed before the socket opened: asks the server whether it refuses
   * this page's origin (browsers hide the handshake's answer from scripts). Resolves to the
   * server's reason, or null when the origin is allowed or the server cannot be asked.
   */
  refusal(): Promise<string | null>;
}

/** Backoff with jitter: 0.3 s, 0.6 s, 1.2 s … capped at 5 s, so a restarted server is found quickly. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(5000, 300 * 2 ** Math.min(attempt, 8));
  return Math.round(base * (0.6 + 0.4 * random()));
}

export class Connection {
  private ws: WebSocket | null = null;
  private snap: ConnSnapshot = { state: "stopped", attempt: 0, retryAt: null, connection: null, refusal: null };
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastPong = 0;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly hooks: ConnHooks,
  ) {
    window.addEventListener("online", () => this.retryNow());
    window.addEventListener("offline", () => this.abandon());
  }

  get snapshot(): ConnSnapshot {
    return this.snap;
  }

  /** Starts (or restarts after sign-in) connecting. */
  start(): void {
    if (this.snap.state === "open" || this.snap.state === "connecting") return;
    this.open();
  }

  /** Stops for good (sign-out). */
  stop(): void {
    this.set({ state: "stopped", retryAt: null });
    clearTimeout(this.retryTimer);
    this.teardown();
  }

  /** Skips the backoff wait. */
  retryNow(): void {
    if (this.snap.state !== "reconnecting" && this.snap.state !== "refused" && this.snap.state !== "offline") return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /** Sends when open; returns false otherwise (callers resend after resubscribing). */
  send(msg: ClientMessage): boolean {
    if (this.snap.state !== "open" || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private set(patch: Partial<ConnSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.hooks.state(this.snap);
  }

  private open(): void {
    this.teardown();
    if (!navigator.onLine) {
      this.set({ state: "offline", retryAt: null });
      return;
    }
    // A refused origin stays refused (not "reconnecting") while the next attempt runs.
    const state = this.snap.state === "refused" ? "refused" : this.snap.attempt === 0 ? "connecting" : "reconnecting";
    this.set({ state, retryAt: null });
    const ws = new WebSocket(this.url, ["tandem.v1"]);
    this.ws = ws;
    let opened = false;
    // A handshake that hangs (no hello within 10 s) is given up and retried.
    clearTimeout(this.helloTimer);
    this.helloTimer = setTimeout(() => {
      if (this.ws === ws && this.snap.state !== "open") this.abandon();
    }, 10_000);
    // With a session cookie that signs in, `hello` is the first frame. A cookie whose session ended
    // leaves the socket open but unauthenticated and silent: this ping is then answered at once with
    // `unauthenticated` (PROTOCOL.md §2.1), and the person is asked to sign in again.
    ws.onopen = () => {
      opened = true;
      if (this.ws === ws) ws.send(JSON.stringify({ type: "ping", ref: "session-check" }));
    };
    ws.onmessage = (e) => {
      let f: ServerFrame;
      try {
        f = JSON.parse(String(e.data)) as ServerFrame;
      } catch {
        return;
      }
      if (f.type === "hello") {
        this.set({ state: "open", attempt: 0, connection: f.connection, refusal: null });
        this.startHeartbeat(f.heartbeat);
        this.hooks.hello(f);
      } else if (f.type === "pong") this.lastPong = Date.now();
      else if (f.type === "error" && f.code === "unauthenticated" && this.snap.state !== "open") {
        this.teardown();
        this.set({ state: "signed_out", retryAt: null, connection: null });
      } else this.hooks.frame(f);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      this.hooks.closed();
      if (this.snap.state === "stopped") return;
      if (e.code === 4001) {
        this.set({ state: "signed_out", retryAt: null, connection: null });
        return;
      }
      // 4009: the person holds as many connections as the server allows; keep retrying (a tab may close).
      if (e.code === 4009) this.set({ state: "refused", refusal: TOO_MANY_CONNECTIONS });
      this.scheduleRetry();
      if (!opened) this.checkRefusal();
    };
  }

  /**
   * Gives up on the current socket at once. A close handshake cannot finish on a dead or offline network
   * (the browser would wait for the server's close frame), so do not wait for `onclose`.
   */
  private abandon(): void {
    if (!this.ws || this.snap.state === "stopped") return;
    this.teardown();
    this.scheduleRetry();
  }

  /** Shows the server's reason when it refuses this origin; retries go on (the setting may change). */
  private checkRefusal(): void {
    void this.hooks.refusal().then((reason) => {
      if (this.snap.state !== "reconnecting" && this.snap.state !== "refused") return;
      if (reason) this.set({ state: "refused", refusal: reason });
      else if (this.snap.state === "refused") this.set({ state: "reconnecting", refusal: null });
    });
  }

  private scheduleRetry(): void {
    if (!navigator.onLine) {
      this.set({ state: "offline", retryAt: null, connection: null });
      return;
    }
    const wait = backoffMs(this.snap.attempt);
    const state = this.snap.state === "refused" ? "refused" : "reconnecting";
    this.set({ state, attempt: this.snap.attempt + 1, retryAt: Date.now() + wait, connection: null });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), wait);
  }

  private startHeartbeat(seconds: number): void {
    this.stopHeartbeat();
    const period = Math.max(1, seconds) * 1000;
    this.lastPong = Date.now();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastPong > period * 2) {
        this.abandon(); // no pong for two heartbeats: the connection is dead
        return;
      }
      this.send({ type: "ping" });
    }, period);
  }

  private stopHeartbeat(): void {
    clearInterval(this.pingTimer);
  }

  private teardown(): void {
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = null;
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
      this.hooks.closed();
    }
  }
}
