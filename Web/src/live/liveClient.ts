// Glue between the connection, the per-ticket OT documents, team queues, notifications and the Redux store.
import { Connection } from "./connection";
import type { ConnSnapshot } from "../model/live";
import { TicketDoc } from "./ticketDoc";
import { loadUnsaved, saveUnsaved, unsavedTicketIds } from "./persist";
import { dispatch, toast } from "../store/store";
import { api } from "../api/endpoints";
import type { ClientMessage, CommentRequest, Selection, ServerFrame, TextField, User } from "../protocol/types";
import type { TextOp } from "../ot/textOperation";

type PresenceArgs = { state: "viewing" | "typing" | "idle"; field?: TextField; selection?: Selection };

/** Where the page was loaded from: the live socket goes to the same host, `wss` under https. */
export type PageLocation = Pick<Location, "protocol" | "host">;

export class LiveClient {
  private conn: Connection;
  private docs = new Map<string, TicketDoc>();
  private views = new Map<string, number>();
  private queues = new Set<string>();
  private user: User | null = null;
  private dirty = new Set<string>();
  private presenceTimers = new Map<string, { timer: ReturnType<typeof setTimeout> | undefined; args: PresenceArgs; last: number }>();

  constructor(location: PageLocation) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.conn = new Connection(`${scheme}://${location.host}/ws`, {
      state: (s: ConnSnapshot) => dispatch({ type: "connection", snapshot: s }),
      hello: () => this.onHello(),
      frame: (f) => this.onFrame(f),
      closed: () => this.docs.forEach((d) => d.disconnected()),
      refusal: () => api.originRefusal(),
    });
  }

  /** Signed in: connect, and pick up edits this tab had not saved before a reload. */
  start(user: User): void {
    this.user = user;
    for (const id of unsavedTicketIds()) this.doc(id);
    this.conn.start();
  }

  stop(): void {
    this.conn.stop();
    this.docs.clear();
    this.views.clear();
    this.queues.clear();
  }

  retryNow(): void {
    this.conn.retryNow();
  }

  /** Raw send, used by the debugging console and tests through window.tandem. */
  send(msg: ClientMessage): boolean {
    return this.conn.send(msg);
  }

  // ---- tickets -------------------------------------------------------------------------------

  /** A view opens a ticket: subscribe (kept while any view or unsaved edit needs it). */
  openTicket(id: string): () => void {
    this.views.set(id, (this.views.get(id) ?? 0) + 1);
    const d = this.doc(id);
    if (!d.isSubscribed && this.conn.snapshot.state === "open" && d.status !== "subscribing") d.subscribe();
    return () => {
      const n = (this.views.get(id) ?? 1) - 1;
      if (n > 0) {
        this.views.set(id, n);
        return;
      }
      this.views.delete(id);
      const doc = this.docs.get(id);
      if (doc && doc.unsaved === 0) {
        doc.unsubscribe();
        this.docs.delete(id);
        dispatch({ type: "ticket/drop", id });
      }
    };
  }

  editText(id: string, field: TextField, op: TextOp): void {
    this.docs.get(id)?.localText(field, op);
  }
  setField(id: string, field: "status" | "priority" | "assignee" | "team" | "subject" | "draftMode", value: string | null): void {
    this.docs.get(id)?.localSet(field, value);
  }
  setTags(id: string, add: string[], remove: string[]): void {
    this.docs.get(id)?.localTags(add, remove);
  }
  comment(id: string, c: CommentRequest): void {
    this.docs.get(id)?.postComment(c);
  }
  /** The OT document itself (for remote caret display). */
  peek(id: string): TicketDoc | undefined {
    return this.docs.get(id);
  }

  /** Presence, throttled to one message per 150 ms per ticket (it shares the op budget). */
  presence(id: string, args: PresenceArgs): void {
    const slot = this.presenceTimers.get(id) ?? { timer: undefined, args, last: 0 };
    slot.args = args;
    this.presenceTimers.set(id, slot);
    if (slot.timer) return;
    const wait = Math.max(0, 150 - (Date.now() - slot.last));
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      slot.last = Date.now();
      const d = this.docs.get(id);
      const a = slot.args;
      d?.sendPresence(a.state, a.field, a.selection);
    }, wait);
  }

  private doc(id: string): TicketDoc {
    let d = this.docs.get(id);
    if (d) return d;
    d = new TicketDoc(
      id,
      { send: (m) => this.conn.send(m) },
      {
        changed: () => this.changed(id),
        notice: (kind, text) => toast(kind, text),
        later: (fn, ms) => setTimeout(fn, ms),
      },
      loadUnsaved(id),
    );
    d.userId = this.user?.id ?? "";
    this.docs.set(id, d);
    this.changed(id);
    return d;
  }

  /** Persist at once (keystrokes must survive a crash); render once per microtask. */
  private changed(id: string): void {
    const d = this.docs.get(id);
    if (!d) return;
    saveUnsaved(id, d.persisted());
    if (this.dirty.has(id)) return;
    this.dirty.add(id);
    queueMicrotask(() => {
      this.dirty.delete(id);
      const doc = this.docs.get(id);
      if (!doc) return;
      dispatch({
        type: "ticket",
        id,
        state: { doc: doc.doc, status: doc.status, error: doc.error, unsaved: doc.unsaved, presence: [...doc.presence.values()], replying: doc.replying, files: doc.attachmentsSeen },
      });
      if (doc.unsaved === 0 && !this.views.has(id) && doc.isSubscribed) {
        doc.unsubscribe();
        this.docs.delete(id);
      }
    });
  }

  // ---- queues and notifications ----------------------------------------------------------------

  watchQueue(topic: string): () => void {
    this.queues.add(topic);
    this.conn.send({ type: "subscribe", topic });
    return () => {
      this.queues.delete(topic);
      this.conn.send({ type: "unsubscribe", topic });
    };
  }

  private onHello(): void {
    this.docs.forEach((d) => d.subscribe());
    this.queues.forEach((topic) => this.conn.send({ type: "subscribe", topic }));
    this.conn.send({ type: "subscribe", topic: "notifications" });
  }

  private onFrame(f: ServerFrame): void {
    const topic = "topic" in f ? f.topic : undefined;
    if (topic?.startsWith("ticket:")) {
      this.docs.get(topic.slice(7))?.onFrame(f);
      return;
    }
    switch (f.type) {
      case "queue":
        return dispatch({ type: "queue/snapshot", topic: f.topic, snapshot: f.snapshot });
      case "queue_update":
        return dispatch({ type: "queue/update", topic: f.topic, update: f.update, at: Date.now() });
      case "resync":
        if (this.queues.has(f.topic)) this.conn.send({ type: "subscribe", topic: f.topic });
        return;
      case "notifications":
        return dispatch({ type: "notifications/set", items: f.items, unread: f.unread });
      case "notification":
        dispatch({ type: "notifications/add", item: f.notification, unread: f.unread });
        window.dispatchEvent(new CustomEvent("tandem:notification", { detail: f.notification }));
        return;
      case "error":
        if (topic && this.queues.has(topic)) return dispatch({ type: "queue/error", topic, message: f.message });
        if (topic === "notifications" && f.code === "unavailable") {
          // The server could not read them just now: ask again shortly (a reconnect asks anyway).
          setTimeout(() => {
            if (this.conn.snapshot.state === "open") this.conn.send({ type: "subscribe", topic: "notifications" });
          }, 5_000);
          return;
        }
        console.warn("tandem: server error", f);
        return;
      default:
        return;
    }
  }
}

export const live = new LiveClient(window.location);
