// One ticket's collaborative state on the client: the ShareDB / ot.js scheme of PROTOCOL.md §5.4.
// One operation in flight, later local edits buffered in `pending`, remote ops transformed past both.
import { apply, compose, transform, transformPosition, positionBefore, isNoop } from "../ot/textOperation";
import type { TextOp } from "../ot/textOperation";
import { yieldTags } from "../ot/tagOperation";
import type { DocStatus } from "../model/live";
import { applyTicketOp } from "../protocol/applyChange";
import type { ClientMessage, CommentRequest, Presence, Selection, ServerFrame, TicketChange, TicketOp, TicketView, TextField } from "../protocol/types";

/** A local change or comment request waiting to be acknowledged. */
export type LocalItem = { change: TicketChange } | { comment: CommentRequest };
export interface Inflight {
  seq: number;
  item: LocalItem;
  /** The subscription epoch it was last sent in; a different epoch means "resend". */
  epoch: number;
}

/** What survives a reload (sessionStorage): enough to resubscribe from `version` and resend. */
export interface PersistedDoc {
  clientId: string;
  seq: number;
  version: number;
  doc: TicketView;
  inflight: { seq: number; item: LocalItem } | null;
  pending: LocalItem[];
}

export interface DocTransport {
  send(msg: ClientMessage): boolean;
}

export interface DocHooks {
  /** Something visible changed (doc, presence, unsaved count, status). */
  changed(): void;
  /** A message for the person: an edit that was refused, work that could not be kept. */
  notice(kind: "error" | "info", text: string): void;
  /** Retry after a delay (rate limits, unavailable store). */
  later(fn: () => void, ms: number): void;
}


const TOPIC_FRAMES = new Set(["op", "ack", "presence", "presence_left", "agent_activity", "attachment"]);
const RETRYABLE = new Set(["rate_limited", "unavailable"]);

let refCounter = 0;
const nextRef = (p: string) => `${p}${++refCounter}`;
export const newClientId = (): string =>
  typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export class TicketDoc {
  readonly topic: string;
  clientId = newClientId();
  seq = 0;
  doc: TicketView | null = null;
  version: number | null = null;
  inflight: Inflight | null = null;
  pending: LocalItem[] = [];
  status: DocStatus = "idle";
  error: string | null = null;
  /** Subscribe replies and `attachment` frames so far (PROTOCOL.md §3.3): the file list is read again on each. */
  attachmentsSeen = 0;
  presence = new Map<string, Presence>();
  /** Who edits locally (the author of local history lines). */
  userId = "";
  /** Public view: an agent is typing a reply. */
  replying = false;
  private subscribed = false;
  private subscribeRef: string | null = null;
  private epoch = 0;
  private retryDelay = 100;

  constructor(
    readonly ticketId: string,
    private readonly transport: DocTransport,
    private readonly hooks: DocHooks,
    restored?: PersistedDoc,
  ) {
    this.topic = `ticket:${ticketId}`;
    if (restored) {
      this.clientId = restored.clientId;
      this.seq = restored.seq;
      this.version = restored.version;
      this.doc = restored.doc;
      this.inflight = restored.inflight ? { seq: restored.inflight.seq, item: { ...restored.inflight.item }, epoch: -1 } : null;
      this.pending = restored.pending.map((i) => ({ ...i }));
    }
  }

  /** Local changes not yet acknowledged by the server. */
  get unsaved(): number {
    return (this.inflight ? 1 : 0) + this.pending.length;
  }

  /** The persisted form, or null when nothing is unsaved. */
  persisted(): PersistedDoc | null {
    if (this.unsaved === 0 || this.doc === null || this.version === null) return null;
    return {
      clientId: this.clientId,
      seq: this.seq,
      version: this.version,
      doc: this.doc,
      inflight: this.inflight ? { seq: this.inflight.seq, item: this.inflight.item } : null,
      pending: this.pending,
    };
  }

  // ---- subscription ----------------------------------------------------------------------------

  /** (Re)subscribes: first time, after a reconnect, or to resync. */
  subscribe(fresh = false): void {
    if (fresh) this.version = null;
    this.subscribed = false;
    this.epoch++;
    this.subscribeRef = nextRef("s");
    this.status = "subscribing";
    const msg: ClientMessage = { type: "subscribe", topic: this.topic, ref: this.subscribeRef };
    if (this.version !== null) msg.v = this.version;
    this.transport.send(msg);
    this.hooks.changed();
  }

  unsubscribe(): void {
    this.subscribed = false;
    this.transport.send({ type: "unsubscribe", topic: this.topic });
  }

  /** The connection dropped: frames stop until the next subscribe. */
  disconnected(): void {
    this.subscribed = false;
    this.presence.clear();
    this.hooks.changed();
  }

  /** Handles a frame of this topic. */
  onFrame(f: ServerFrame): void {
    if ("topic" in f && TOPIC_FRAMES.has(f.type) && !this.subscribed) return; // belongs to an earlier subscription
    switch (f.type) {
      case "snapshot":
      case "ops":
        if (f.ref !== undefined && f.ref !== this.subscribeRef) return;
        return this.onSubscribed(f);
      case "op":
        this.onRemoteOp(f.op);
        return this.afterRemote();
      case "ack":
        if (f.client === this.clientId) this.onAck(f.seq, f.v);
        return;
      case "presence":
        this.presence.set(f.presence.connection, f.presence);
        return this.hooks.changed();
      case "presence_left":
        this.presence.delete(f.connection);
        return this.hooks.changed();
      case "agent_activity":
        this.replying = f.replying;
        return this.hooks.changed();
      case "attachment":
        this.attachmentsSeen++;
        return this.hooks.changed();
      case "resync":
        return this.subscribe();
      case "unsubscribed":
        if (f.reason === "forbidden") {
          this.subscribed = false;
          this.status = "forbidden";
          this.error = "You no longer have access to this ticket.";
          this.hooks.changed();
        }
        return;
      case "error":
        return this.onError(f);
      default:
        return;
    }
  }

  private onSubscribed(f: Extract<ServerFrame, { type: "snapshot" | "ops" }>): void {
    this.subscribed = true;
    this.attachmentsSeen++; // files may have come while this subscription was away

    this.subscribeRef = null;
    this.status = "live";
    this.error = null;
    this.replying = false;
    if (f.type === "snapshot") {
      if (this.version !== null && this.unsaved > 0) {
        this.hooks.notice("error", "The server could not replay your unsaved edits; the ticket was reloaded without them.");
      }
      this.doc = f.ticket;
      this.version = f.v;
      this.inflight = null;
      this.pending = [];
    } else {
      for (const op of f.ops) this.onRemoteOp(op);
      this.version = Math.max(this.version ?? 0, f.v);
      if (this.doc) this.doc = { ...this.doc, version: this.version };
    }
    this.presence = new Map(f.presence.map((p) => [p.connection, p]));
    if (this.inflight && this.inflight.epoch !== this.epoch) this.sendInflight();
    else this.flush();
    this.hooks.changed();
  }

  // ---- local edits -----------------------------------------------------------------------------

  /** A text edit made locally (already converted to scalars). */
  localText(field: TextField, op: TextOp): void {
    if (!this.doc || isNoop(op)) return;
    const change: TicketChange = { kind: "text", field, op };
    this.doc = { ...this.doc, [field]: apply(this.doc[field] ?? "", op) };
    const last = this.pending[this.pending.length - 1];
    if (last && "change" in last && last.change.kind === "text" && last.change.field === field) {
      last.change = { kind: "text", field, op: compose(last.change.op, op) };
    } else this.pending.push({ change });
    this.flush();
    this.hooks.changed();
  }

  /** Sets a scalar field (status, priority, assignee, team, subject). */
  localSet(field: Extract<TicketChange, { kind: "set" }>["field"], value: string | null): void {
    if (!this.doc) return;
    const change: TicketChange = { kind: "set", field, value };
    this.doc = applyTicketOp(this.doc, { version: this.doc.version, change, author: this.userId, at: Date.now() });
    this.pending.push({ change });
    this.flush();
    this.hooks.changed();
  }

  localTags(add: string[], remove: string[]): void {
    if (!this.doc) return;
    const change: TicketChange = { kind: "tags", add, remove };
    this.doc = applyTicketOp(this.doc, { version: this.doc.version, change, author: this.userId, at: Date.now() });
    this.pending.push({ change });
    this.flush();
    this.hooks.changed();
  }

  /** Posts a comment (or the shared reply draft, with `fromDraft`). */
  postComment(comment: CommentRequest): void {
    this.pending.push({ comment });
    this.flush();
    this.hooks.changed();
  }

  // ---- sending ---------------------------------------------------------------------------------

  private flush(): void {
    if (this.inflight || !this.subscribed || this.pending.length === 0) return;
    this.inflight = { seq: ++this.seq, item: this.pending.shift()!, epoch: this.epoch };
    this.sendInflight();
  }

  private sendInflight(): void {
    const f = this.inflight;
    if (!f || !this.subscribed || this.version === null) return;
    f.epoch = this.epoch;
    const msg: ClientMessage = { type: "op", topic: this.topic, client: this.clientId, seq: f.seq, v: this.version };
    if ("comment" in f.item) msg.comment = f.item.comment;
    else msg.op = f.item.change;
    this.transport.send(msg);
  }

  // ---- server events ---------------------------------------------------------------------------

  private onAck(seq: number, v: number): void {
    if (!this.inflight || this.inflight.seq !== seq) return; // duplicate ack
    this.inflight = null;
    this.version = Math.max(this.version ?? 0, v);
    if (this.doc) this.doc = { ...this.doc, version: this.version };
    this.retryDelay = 100;
    this.flush();
    this.hooks.changed();
  }

  private onRemoteOp(op: TicketOp): void {
    if (this.version !== null && op.version <= this.version) return;
    // Client ids are scoped by user (PROTOCOL.md §5.2): the author decides too.
    const mine =
      this.inflight !== null && op.author === this.userId && op.client === this.clientId && op.seq === this.inflight.seq;
    if (mine && "change" in this.inflight!.item) return this.onAck(op.seq!, op.version);
    if (op.change.kind === "set" && op.change.field === "draftMode" && op.author !== this.userId) this.dropDraftSends();
    let r: TicketChange | null = op.change;
    const locals = [this.inflight?.item, ...this.pending];
    for (const l of locals) {
      if (!l || !r || !("change" in l)) continue;
      const lc = l.change;
      if (lc.kind === "text" && r.kind === "text" && lc.field === r.field) {
        const l2 = transform(lc.op, r.op, false);
        const r2 = transform(r.op, lc.op, true);
        l.change = { ...lc, op: l2 };
        r = { ...r, op: r2 };
      } else if (lc.kind === "set" && r.kind === "set" && lc.field === r.field) {
        r = null; // our later set wins
      } else if (lc.kind === "tags" && r.kind === "tags") {
        r = { ...r, ...yieldTags(r, lc) }; // our later change of a tag wins
      }
    }
    if (this.doc) {
      this.doc = r ? applyTicketOp(this.doc, { ...op, change: r }) : { ...this.doc, version: op.version };
    }
    this.version = op.version;
    if (op.change.kind === "text") this.moveCarets(op.change.field, op.change.op, op.author);
    if (mine) this.onAck(op.seq!, op.version);
  }

  /**
   * Someone else switched the draft's mode before a queued send of the draft went out: the
   * sender pressed Send seeing the other mode, so the send is dropped (the text stays in the
   * draft). One already in flight is refused by the server (`draft_mode_changed`).
   */
  private dropDraftSends(): void {
    const before = this.pending.length;
    this.pending = this.pending.filter((i) => !("comment" in i && i.comment.fromDraft));
    if (this.pending.length < before) {
      this.hooks.notice("error", "The draft was switched between public reply and internal note before your send went out. Check the mode and send again.");
    }
  }

  private afterRemote(): void {
    this.hooks.changed();
  }

  private moveCarets(field: TextField, op: TextOp, author: string): void {
    for (const [k, p] of this.presence) {
      if (p.field !== field || !p.selection) continue;
      const own = p.user === author;
      this.presence.set(k, {
        ...p,
        selection: { anchor: transformPosition(op, p.selection.anchor, own), head: transformPosition(op, p.selection.head, own) },
      });
    }
  }

  private onError(e: Extract<ServerFrame, { type: "error" }>): void {
    if (e.seq !== undefined && this.inflight && e.seq === this.inflight.seq) {
      if (RETRYABLE.has(e.code)) {
        const epoch = this.epoch;
        this.hooks.later(() => {
          if (this.epoch === epoch) this.sendInflight();
        }, this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, 5000);
        return;
      }
      this.hooks.notice("error", `Your change was refused: ${e.message}`);
      this.inflight = null;
      if (["future_version", "version_too_old", "invalid_operation", "stale_sequence"].includes(e.code)) {
        this.pending = [];
        if (e.code === "stale_sequence") this.clientId = newClientId();
        this.subscribe(true);
      } else this.flush();
      this.hooks.changed();
      return;
    }
    if (e.ref !== undefined && e.ref === this.subscribeRef) {
      this.subscribeRef = null;
      if (e.code === "unavailable") {
        this.hooks.later(() => this.subscribe(), 500);
        return;
      }
      if (e.code === "future_version") return this.subscribe(true);
      this.status = e.code === "not_found" ? "not_found" : e.code === "forbidden" ? "forbidden" : "error";
      this.error = e.message;
      this.hooks.changed();
      return;
    }
    if (e.code === "invalid_operation" || e.code === "future_version") this.subscribe(true);
  }

  // ---- presence --------------------------------------------------------------------------------

  /** A remote selection as it shows in the local text (moved through unacknowledged edits). */
  displaySelection(p: Presence): Selection | undefined {
    if (!p.selection || !p.field) return undefined;
    let { anchor, head } = p.selection;
    for (const i of [this.inflight?.item, ...this.pending]) {
      if (!i || !("change" in i) || i.change.kind !== "text" || i.change.field !== p.field) continue;
      anchor = transformPosition(i.change.op, anchor, false);
      head = transformPosition(i.change.op, head, false);
    }
    return { anchor, head };
  }

  /**
   * Sends this connection's presence. The caret is sent at `v` = the acknowledged version: with
   * unacknowledged edits in the field it is first moved back through them (§6.2), so that others
   * see it while this person types, and it follows their edits as those are committed.
   */
  sendPresence(state: Presence["state"], field?: TextField, selection?: Selection): void {
    if (!this.subscribed || this.version === null) return;
    const msg: ClientMessage = { type: "presence", topic: this.topic, state };
    if (field) msg.field = field;
    if (field && selection) {
      msg.selection = this.acknowledgedSelection(field, selection);
      msg.v = this.version;
    }
    this.transport.send(msg);
  }

  /** A local selection in `field` as it lies in the acknowledged text (without unacknowledged edits). */
  acknowledgedSelection(field: TextField, selection: Selection): Selection {
    let { anchor, head } = selection;
    const locals = [this.inflight?.item, ...this.pending];
    for (let k = locals.length - 1; k >= 0; k--) {
      const i = locals[k];
      if (!i || !("change" in i) || i.change.kind !== "text" || i.change.field !== field) continue;
      anchor = positionBefore(i.change.op, anchor);
      head = positionBefore(i.change.op, head);
    }
    return { anchor, head };
  }

  get isSubscribed(): boolean {
    return this.subscribed;
  }
}
