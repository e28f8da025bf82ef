// The client OT engine against a model of the server's submit path (PROTOCOL.md §5.2): random
// interleavings, lost connections and resends must converge without losing or doubling a keystroke.
import { TicketDoc, type LocalItem } from "../../src/live/ticketDoc";
import { apply, transform, transformPosition } from "../../src/ot/textOperation";
import { scalarLength } from "../../src/ot/unicode";
import type { ClientMessage, ServerFrame, TicketOp, TicketView } from "../../src/protocol/types";
import { applyTicketOp } from "../../src/protocol/applyChange";
import { eq, ok, rng, run, test } from "./harness";

const TOPIC = "ticket:tkt_1";

function ticket(): TicketView {
  return {
    id: "tkt_1", number: 1, version: 0, subject: "s", description: "", status: "new", priority: "normal", requester: "usr_c",
    internalNotes: "", replyDraft: "Hi 👋", comments: [], history: [], createdAt: 0, updatedAt: 0,
  };
}

/** The server: one writer, a log, dedup by (user, client, seq), transform against ops after v. */
class Server {
  t = ticket();
  log: TicketOp[] = [];
  last = new Map<string, { seq: number; version: number }>();
  conns: Conn[] = [];

  receive(from: Conn, m: ClientMessage): void {
    if (m.type === "subscribe") {
      from.subscribed = true;
      if (m.v === undefined) from.toClient.push({ type: "snapshot", topic: TOPIC, ref: m.ref, v: this.t.version, ticket: this.t, presence: [] });
      else from.toClient.push({ type: "ops", topic: TOPIC, ref: m.ref, v: this.t.version, ops: this.log.filter((o) => o.version > m.v!), presence: [] });
      return;
    }
    if (m.type !== "op" || !m.op || !from.subscribed) return;
    const key = `${from.user}|${m.client}`;
    const seen = this.last.get(key);
    if (seen && seen.seq === m.seq) return void from.toClient.push({ type: "ack", topic: TOPIC, client: m.client, seq: m.seq, v: seen.version });
    if (seen && m.seq < seen.seq) return void from.toClient.push({ type: "error", code: "stale_sequence", message: "", topic: TOPIC, seq: m.seq });
    if (m.v > this.t.version) return void from.toClient.push({ type: "error", code: "future_version", message: "", topic: TOPIC, seq: m.seq });
    let change = m.op;
    for (const c of this.log.filter((o) => o.version > m.v)) {
      if (change.kind === "text" && c.change.kind === "text" && c.change.field === change.field) {
        change = { ...change, op: transform(change.op, c.change.op, false) };
      }
    }
    const op: TicketOp = { version: this.t.version + 1, change, author: from.user, at: 0, client: m.client, seq: m.seq };
    this.t = applyTicketOp(this.t, op);
    this.log.push(op);
    this.last.set(key, { seq: m.seq, version: op.version });
    for (const c of this.conns) {
      if (c !== from && c.subscribed) c.toClient.push({ type: "op", topic: TOPIC, op });
    }
    from.toClient.push({ type: "ack", topic: TOPIC, client: m.client, seq: m.seq, v: op.version });
  }
}

/** A client connection with queues in both directions, delivered one message at a time. */
class Conn {
  toServer: ClientMessage[] = [];
  toClient: ServerFrame[] = [];
  subscribed = false;
  up = true;
  doc: TicketDoc;
  later: (() => void)[] = [];
  constructor(readonly user: string, server: Server) {
    server.conns.push(this);
    this.doc = new TicketDoc("tkt_1", { send: (m) => (this.up ? (this.toServer.push(m), true) : false) }, {
      changed: () => undefined,
      notice: () => undefined,
      later: (fn) => this.later.push(fn),
    });
    this.doc.userId = user;
  }
  drop(): void {
    this.up = false;
    this.subscribed = false;
    this.toServer = [];
    this.toClient = [];
    this.doc.disconnected();
  }
  reconnect(): void {
    this.up = true;
    this.doc.subscribe();
  }
}

function typeAt(c: Conn, r: () => number, text: string): void {
  const draft = c.doc.doc!.replyDraft!;
  const pos = Math.floor(r() * (scalarLength(draft) + 1));
  c.doc.localText("replyDraft", pos ? [pos, text] : [text]);
}

/** Two users typing with random deliveries, drops and reconnects; `sameClientId`: both pick one client id. */
function typingRounds(seed: number, sameClientId: boolean): void {
  for (let round = 0; round < 200; round++) {
    const r = rng(seed + round);
    const server = new Server();
    const a = new Conn("usr_a", server);
    const b = new Conn("usr_b", server);
    if (sameClientId) b.doc.clientId = a.doc.clientId;
    a.doc.subscribe();
    b.doc.subscribe();
    const typed: string[] = [];
    for (let step = 0; step < 120; step++) {
      const c = r() < 0.5 ? a : b;
      const k = r();
      if (k < 0.3 && c.doc.doc) {
        const ch = ["x", "y", "👍", "陈", "e\u0301"][Math.floor(r() * 5)]! + String.fromCharCode(65 + (step % 26));
        typed.push(ch);
        typeAt(c, r, ch);
      } else if (k < 0.6 && c.toServer.length) server.receive(c, c.toServer.shift()!);
      else if (k < 0.9 && c.toClient.length) c.doc.onFrame(c.toClient.shift()!);
      else if (k < 0.93 && c.up) c.drop();
      else if (!c.up) c.reconnect();
    }
    for (const c of [a, b]) if (!c.up) c.reconnect();
    for (let i = 0; i < 1000 && [a, b].some((c) => c.toServer.length || c.toClient.length || c.doc.unsaved); i++) {
      for (const c of [a, b]) {
        while (c.toServer.length) server.receive(c, c.toServer.shift()!);
        while (c.toClient.length) c.doc.onFrame(c.toClient.shift()!);
      }
    }
    const final = server.t.replyDraft!;
    eq(a.doc.doc!.replyDraft, final, `round ${round} client a`);
    eq(b.doc.doc!.replyDraft, final, `round ${round} client b`);
    eq(a.doc.unsaved + b.doc.unsaved, 0, "nothing left unsaved");
    const sorted = (x: string) => Array.from(x).sort().join("");
    eq(sorted(final), sorted("Hi 👋" + typed.join("")), `round ${round}: every typed scalar exactly once`);
  }
}

test("two clients typing interleaved converge, every keystroke kept once", () => typingRounds(1000, false));

test("two users who chose the same client id never take each other's ops for their own (§5.4)", () =>
  typingRounds(5000, true));

test("a resend of an op the server already committed is acknowledged, not applied twice", () => {
  const server = new Server();
  const a = new Conn("usr_a", server);
  a.doc.subscribe();
  server.receive(a, a.toServer.shift()!);
  a.doc.onFrame(a.toClient.shift()!);
  a.doc.localText("replyDraft", [4, "!"]);
  server.receive(a, a.toServer.shift()!); // committed, ack lost with the connection
  a.drop();
  a.reconnect();
  server.receive(a, a.toServer.shift()!);
  a.doc.onFrame(a.toClient.shift()!); // ops reply contains our own op: acts as the ack
  eq(a.doc.unsaved, 0);
  eq(server.t.replyDraft, "Hi 👋!");
  eq(a.doc.doc!.replyDraft, "Hi 👋!");
});

test("persisted state restores a document with its unsent edits", () => {
  const server = new Server();
  const a = new Conn("usr_a", server);
  a.doc.subscribe();
  server.receive(a, a.toServer.shift()!);
  a.doc.onFrame(a.toClient.shift()!);
  a.drop();
  a.doc.localText("replyDraft", [4, " there"]);
  const saved = JSON.parse(JSON.stringify(a.doc.persisted()));
  ok(saved, "something to persist");
  const restored = new TicketDoc("tkt_1", { send: (m) => (server.receive(b, m), true) }, { changed() {}, notice() {}, later() {} }, saved);
  const b = { toClient: [] as ServerFrame[], subscribed: false, user: "usr_a" } as unknown as Conn;
  restored.subscribe();
  while (b.toClient.length) restored.onFrame(b.toClient.shift()!);
  eq(server.t.replyDraft, "Hi 👋 there");
  eq(restored.unsaved, 0);
  const items: LocalItem[] = saved.pending;
  eq(items.length, 1);
});

test("remote text op transforms pending local edits (remote has priority)", () => {
  const server = new Server();
  const a = new Conn("usr_a", server);
  const b = new Conn("usr_b", server);
  for (const c of [a, b]) {
    c.doc.subscribe();
    server.receive(c, c.toServer.shift()!);
    c.doc.onFrame(c.toClient.shift()!);
  }
  a.doc.localText("replyDraft", [4, " A"]);
  b.doc.localText("replyDraft", [4, " B"]);
  server.receive(a, a.toServer.shift()!);
  server.receive(b, b.toServer.shift()!);
  for (const c of [a, b]) while (c.toClient.length) c.doc.onFrame(c.toClient.shift()!);
  eq(server.t.replyDraft, "Hi 👋 A B");
  eq(a.doc.doc!.replyDraft, server.t.replyDraft);
  eq(b.doc.doc!.replyDraft, server.t.replyDraft);
  eq(apply("Hi 👋", [4, " A"]), "Hi 👋 A");
});


test("a caret typed ahead of the acks is sent at once, at the acknowledged version, and lands after the edit (§6.2)", () => {
  const server = new Server();
  const a = new Conn("usr_a", server);
  const b = new Conn("usr_b", server);
  for (const c of [a, b]) {
    c.doc.subscribe();
    server.receive(c, c.toServer.shift()!);
    c.doc.onFrame(c.toClient.shift()!);
  }
  // "Hi 👋" → "Hi 👋 there": typed in two pieces, nothing acknowledged yet.
  a.doc.localText("replyDraft", [4, " th"]);
  a.doc.localText("replyDraft", [7, "ere"]);
  a.toServer = a.toServer.filter((m) => m.type !== "op");
  a.doc.sendPresence("typing", "replyDraft", { anchor: 10, head: 10 });
  const sent = a.toServer.pop()!;
  ok(sent.type === "presence", "a presence message is sent");
  if (sent.type !== "presence") return;
  eq(sent.selection, { anchor: 4, head: 4 }, "the caret as it lies in the acknowledged text");
  eq(sent.v, 0, "at the acknowledged version");
  // The others move it through the typist's own edit when it arrives: after " there".
  let shown = sent.selection!.head;
  for (const op of [[4, " th"], [7, "ere"]] as const) shown = transformPositionOf(op, shown);
  eq(shown, 10, "after the typed text once the edits arrive");
});

function transformPositionOf(op: readonly (number | string)[], pos: number): number {
  return transformPosition([...op], pos, true);
}

run("ticketDoc");
