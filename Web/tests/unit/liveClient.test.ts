// LiveClient (live/liveClient.ts): the glue between one socket, ticket documents, queues, notifications and the
// real Redux store, with the page's location injected and the socket driven by the test.
import { clock, FakeSocket, settle } from "./fakeBrowser";
import { LiveClient } from "../../src/live/liveClient";
import { store } from "../../src/store/store";
import type { QueueSnapshot, TicketView, User } from "../../src/protocol/types";
import { eq, ok, run, test } from "./harness";

const ADA: User = { id: "usr_ada", email: "ada@example.com", name: "Ada", role: "agent" };
const HELLO = { type: "hello", protocolVersion: 1, user: { id: ADA.id, name: "Ada", role: "agent" }, connection: "n1/3", heartbeat: 15 };
const stats = { byStatus: {}, unassigned: 0, load: {}, atRisk: 0 };
const ticket = (text = ""): TicketView => ({
  id: "tkt_1", number: 1, version: 3, subject: "Printer", description: text, status: "open", priority: "normal", requester: "usr_c",
  internalNotes: "", replyDraft: "", comments: [], history: [], createdAt: 1, updatedAt: 1,
});

/** A started client whose socket has said hello. */
function started(location = { protocol: "http:", host: "localhost:8080" }) {
  const client = new LiveClient(location);
  client.start(ADA);
  const ws = FakeSocket.last;
  ws.open();
  ws.receive(HELLO);
  return { client, ws };
}

test("the socket goes to the page's own host, wss under https", () => {
  const secure = new LiveClient({ protocol: "https:", host: "desk.example.com:8443" });
  secure.start(ADA);
  eq(FakeSocket.last.url, "wss://desk.example.com:8443/ws");
  secure.stop();
  const plain = new LiveClient({ protocol: "http:", host: "127.0.0.1:9000" });
  plain.start(ADA);
  eq(FakeSocket.last.url, "ws://127.0.0.1:9000/ws");
  plain.stop();
});

test("after hello: the connection state reaches the store and notifications are subscribed", () => {
  const { client, ws } = started();
  eq(store.getState().connection.state, "open");
  eq(store.getState().connection.connection, "n1/3");
  ok(ws.sent.some((m) => m.type === "subscribe" && m.topic === "notifications"), "subscribes to notifications");
  client.stop();
  eq(store.getState().connection.state, "stopped");
});

test("a watched queue is (re)subscribed on every hello and its frames land in the store", () => {
  const { client, ws } = started();
  const unwatch = client.watchQueue("team:team_a");
  ok(ws.sent.some((m) => m.type === "subscribe" && m.topic === "team:team_a"), "subscribes at once when open");
  const snapshot: QueueSnapshot = { team: "team_a", sequence: 1, tickets: [], stats };
  ws.receive({ type: "queue", topic: "team:team_a", snapshot });
  const upsert = { id: "tkt_9", version: 1, subject: "New", status: "new", priority: "high", requester: "usr_c", tags: [], createdAt: 1, updatedAt: 1 };
  ws.receive({ type: "queue_update", topic: "team:team_a", update: { sequence: 2, upsert, stats } });
  const q = store.getState().queues["team:team_a"]!;
  eq([Object.keys(q.tickets), q.fresh["tkt_9"], q.sequence], [["tkt_9"], clock.now, 2]);

  ws.drop(1006);
  clock.advance(5_000);
  const next = FakeSocket.last;
  ok(next !== ws, "reconnected");
  next.open();
  next.receive(HELLO);
  ok(next.sent.some((m) => m.type === "subscribe" && m.topic === "team:team_a"), "resubscribed after the reconnect");
  unwatch();
  ok(next.sent.some((m) => m.type === "unsubscribe" && m.topic === "team:team_a"), "unsubscribes when no longer watched");
  client.stop();
});

test("a ticket: subscribe, snapshot into the store, a local edit sent and acknowledged", async () => {
  const { client, ws } = started();
  const close = client.openTicket("tkt_1");
  const subscribe = ws.sent.find((m) => m.type === "subscribe" && m.topic === "ticket:tkt_1");
  ok(subscribe, "subscribes to the ticket");
  ws.receive({ type: "snapshot", topic: "ticket:tkt_1", ref: subscribe!.ref, v: 3, ticket: ticket("Hello"), presence: [] });
  await settle();
  eq([store.getState().tickets["tkt_1"]?.status, store.getState().tickets["tkt_1"]?.doc?.description], ["live", "Hello"]);

  client.editText("tkt_1", "description", [5, "!"]);
  const op = ws.sent.find((m) => m.type === "op");
  eq([op?.topic, op?.v, op?.op], ["ticket:tkt_1", 3, { kind: "text", field: "description", op: [5, "!"] }]);
  await settle();
  eq([store.getState().tickets["tkt_1"]?.doc?.description, store.getState().tickets["tkt_1"]?.unsaved], ["Hello!", 1]);

  ws.receive({ type: "ack", topic: "ticket:tkt_1", client: op!.client, seq: op!.seq, v: 4 });
  await settle();
  eq([store.getState().tickets["tkt_1"]?.unsaved, store.getState().tickets["tkt_1"]?.doc?.version], [0, 4]);
  close();
  await settle();
  eq(store.getState().tickets["tkt_1"], undefined, "closing the last view drops it");
  client.stop();
});

test("notifications: the list, then a new one on top", () => {
  const { client, ws } = started();
  const item = { id: "ntf_1", user: ADA.id, kind: "mention", ticket: "tkt_1", actor: "usr_b", text: "@Ada", createdAt: 1 };
  ws.receive({ type: "notifications", topic: "notifications", unread: 1, items: [item] });
  ws.receive({ type: "notification", topic: "notifications", unread: 2, notification: { ...item, id: "ntf_2" } });
  eq([store.getState().notifications.items.map((n) => n.id), store.getState().notifications.unread], [["ntf_2", "ntf_1"], 2]);
  client.stop();
});

void run("liveClient");
