// The WebSocket connection state machine (live/connection.ts, docs/WEB.md) against sockets and a clock the test drives.
import { clock, FakeSocket, page, settle } from "./fakeBrowser";
import { backoffMs, Connection } from "../../src/live/connection";
import { TOO_MANY_CONNECTIONS, type ConnSnapshot } from "../../src/model/live";
import type { ServerFrame } from "../../src/protocol/types";
import { eq, ok, run, test } from "./harness";

const HELLO = { type: "hello", protocolVersion: 1, user: { id: "usr_a", name: "Ada", role: "agent" }, connection: "local/7", heartbeat: 15 };

/** A connection with hooks that record what it reports; `refusal` is what the origin check answers. */
function connect(refusal: string | null = null) {
  clock.timers.clear(); // nothing left over from an earlier test that failed halfway
  const states: ConnSnapshot[] = [];
  const frames: ServerFrame[] = [];
  const events = { hellos: 0, closed: 0 };
  const conn = new Connection("ws://localhost:8080/ws", {
    state: (s) => void states.push(s),
    hello: () => void events.hellos++,
    frame: (f) => void frames.push(f),
    closed: () => void events.closed++,
    refusal: () => Promise.resolve(refusal),
  });
  const state = () => conn.snapshot.state;
  return { conn, states, frames, events, state };
}

/** Opens the newest socket and answers with hello. */
function accept(heartbeat = 15): FakeSocket {
  const ws = FakeSocket.last;
  ws.open();
  ws.receive({ ...HELLO, heartbeat });
  return ws;
}

test("connect: connecting, then open on hello, with the subprotocol and a session check", () => {
  const c = connect();
  c.conn.start();
  eq(c.state(), "connecting");
  const ws = FakeSocket.last;
  eq([ws.url, ws.protocols], ["ws://localhost:8080/ws", ["tandem.v1"]]);
  ws.open();
  eq(ws.sent, [{ type: "ping", ref: "session-check" }], "a silent cookie session is found out at once");
  ws.receive(HELLO);
  eq([c.state(), c.conn.snapshot.connection, c.conn.snapshot.attempt, c.events.hellos], ["open", "local/7", 0, 1]);
  ok(c.conn.send({ type: "ping", ref: "x" }), "sends once open");
  c.conn.stop();
});

test("a dropped connection retries after the backoff and is open again after hello", () => {
  const c = connect();
  c.conn.start();
  accept();
  c.states.length = 0;
  FakeSocket.last.drop(1006);
  eq([c.state(), c.conn.snapshot.attempt, c.conn.snapshot.connection, c.events.closed], ["reconnecting", 1, null, 1]);
  const wait = c.conn.snapshot.retryAt! - clock.now;
  ok(wait >= backoffMs(0, () => 0) && wait <= backoffMs(0, () => 1), `first retry within the backoff, waited ${wait}`);
  eq(c.conn.send({ type: "ping" }), false, "nothing is sent while reconnecting");
  const before = FakeSocket.all.length;
  clock.advance(wait - 1);
  eq(FakeSocket.all.length, before, "not before the backoff");
  clock.advance(1);
  eq([FakeSocket.all.length, c.state()], [before + 1, "reconnecting"]);
  accept();
  eq([c.state(), c.conn.snapshot.attempt], ["open", 0]);
  c.conn.stop();
});

test("the backoff doubles per failed attempt up to 5 s", () => {
  eq([0, 1, 2, 3, 4, 8].map((n) => backoffMs(n, () => 1)), [300, 600, 1200, 2400, 4800, 5000]);
  eq(backoffMs(0, () => 0), 180, "jitter takes up to 40% off");
});

test("close 4001 (session ended) signs out and stops retrying", () => {
  const c = connect();
  c.conn.start();
  accept();
  const before = FakeSocket.all.length;
  FakeSocket.last.drop(4001);
  eq(c.state(), "signed_out");
  clock.advance(60_000);
  eq(FakeSocket.all.length, before, "no reconnect after a revoked session");
});

test("an unauthenticated answer to the session check signs out", () => {
  const c = connect();
  c.conn.start();
  const ws = FakeSocket.last;
  ws.open();
  ws.receive({ type: "error", code: "unauthenticated", message: "Authenticate first.", ref: "session-check" });
  eq([c.state(), ws.closedByClient], ["signed_out", true]);
});

test("offline abandons the socket at once; online reconnects without waiting", () => {
  const c = connect();
  c.conn.start();
  const ws = accept();
  page.setOnline(false);
  eq([c.state(), ws.closedByClient], ["offline", true], "no waiting for a close handshake that cannot finish");
  const before = FakeSocket.all.length;
  page.setOnline(true);
  eq(FakeSocket.all.length, before + 1, "reconnects at once");
  accept();
  eq(c.state(), "open");
  c.conn.stop();
});

test("no pong for two heartbeats: the connection is given up and reopened", () => {
  const c = connect();
  c.conn.start();
  const ws = accept(1);
  clock.advance(1000);
  ws.receive({ type: "pong" });
  clock.advance(2000);
  eq(c.state(), "open", "answered pings keep it open");
  clock.advance(1000);
  eq([c.state(), ws.closedByClient], ["reconnecting", true]);
  ok(ws.sent.filter((m) => m.type === "ping").length >= 3, "pings every heartbeat");
  c.conn.stop();
});

test("a handshake without hello for 10 s is given up", () => {
  const c = connect();
  c.conn.start();
  const ws = FakeSocket.last;
  clock.advance(9_999);
  eq(c.state(), "connecting");
  clock.advance(1);
  eq([c.state(), c.conn.snapshot.attempt, ws.closedByClient], ["reconnecting", 1, true]);
  c.conn.stop();
});

test("a handshake refused before the socket opens shows the server's reason and keeps retrying", async () => {
  const reason = 'Origin "http://evil.example" is not allowed (http.allowedOrigins).';
  const c = connect(reason);
  c.conn.start();
  FakeSocket.last.drop(1006);
  await settle();
  eq([c.state(), c.conn.snapshot.refusal], ["refused", reason]);
  clock.advance(5_000);
  eq(c.state(), "refused", "stays refused while the next attempt runs");
  c.conn.stop();
});

test("close 4009 (too many connections) says so, keeps retrying, and clears once a connection is accepted", () => {
  const c = connect();
  c.conn.start();
  accept();
  FakeSocket.last.drop(4009);
  eq([c.state(), c.conn.snapshot.refusal], ["refused", TOO_MANY_CONNECTIONS]);
  const before = FakeSocket.all.length;
  clock.advance(5_001); // the backoff is at most 5 s
  ok(FakeSocket.all.length > before, "it tries again");
  accept();
  eq([c.state(), c.conn.snapshot.refusal], ["open", null]);
  c.conn.stop();
});

test("stop closes the socket and nothing reconnects", () => {
  const c = connect();
  c.conn.start();
  const ws = accept();
  c.conn.stop();
  const before = FakeSocket.all.length;
  clock.advance(60_000);
  eq([c.state(), ws.closedByClient, FakeSocket.all.length], ["stopped", true, before]);
});

void run("connection");
