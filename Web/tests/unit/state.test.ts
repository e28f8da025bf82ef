// The Redux reducer (store/state.ts): a pure function of state and action; time comes in the action.
import { initialState, reducer, type Action, type RootState } from "../../src/store/state";
import type { QueueSnapshot, TicketSummary, UserNotification } from "../../src/protocol/types";
import { eq, ok, run, test } from "./harness";

declare const require: (m: string) => { readFileSync(path: string, encoding: string): string; readdirSync(path: string): string[] };

const apply = (...actions: Action[]): RootState => actions.reduce(reducer, initialState);
const summary = (id: string, subject = id): TicketSummary => ({
  id, number: 1, version: 1, subject, status: "new", priority: "normal", requester: "usr_c", tags: [], createdAt: 1, updatedAt: 1,
});
const stats = { byStatus: { new: 1 }, unassigned: 1, load: {}, atRisk: 0 };
const snapshot: QueueSnapshot = { team: "team_a", sequence: 4, tickets: [summary("tkt_1")], stats };
const note = (id: string, readAt?: number): UserNotification => ({
  id, user: "usr_a", kind: "mention", ticket: "tkt_1", actor: "usr_b", text: "hi", createdAt: 1, ...(readAt ? { readAt } : {}),
});

test("the same actions give the same state, whatever the clock says", () => {
  const actions: Action[] = [
    { type: "queue/snapshot", topic: "team:team_a", snapshot },
    { type: "queue/update", topic: "team:team_a", update: { sequence: 5, upsert: summary("tkt_2"), stats }, at: 1000 },
    { type: "notifications/set", items: [note("ntf_1"), note("ntf_2")], unread: 2 },
    { type: "notifications/read", ids: ["ntf_1"], unread: 1, at: 2000 },
  ];
  const first = apply(...actions);
  const realNow = Date.now;
  Date.now = () => 99;
  try {
    eq(apply(...actions), first);
  } finally {
    Date.now = realNow;
  }
});

test("a queue update upserts, marks the ticket fresh at the action's time, and removes", () => {
  let s = apply({ type: "queue/snapshot", topic: "team:team_a", snapshot });
  eq(Object.keys(s.queues["team:team_a"]!.tickets), ["tkt_1"]);
  s = reducer(s, { type: "queue/update", topic: "team:team_a", update: { sequence: 5, upsert: summary("tkt_2"), stats }, at: 1234 });
  const q = s.queues["team:team_a"]!;
  eq([Object.keys(q.tickets).sort(), q.fresh, q.sequence], [["tkt_1", "tkt_2"], { tkt_2: 1234 }, 5]);
  s = reducer(s, { type: "queue/update", topic: "team:team_a", update: { sequence: 6, removed: "tkt_1", stats }, at: 1300 });
  eq(Object.keys(s.queues["team:team_a"]!.tickets), ["tkt_2"]);
});

test("an update for a queue not (yet) loaded changes nothing", () => {
  const s = reducer(initialState, { type: "queue/update", topic: "team:x", update: { sequence: 1, upsert: summary("t"), stats }, at: 1 });
  ok(s === initialState, "same state object");
});

test("a queue error keeps what was shown and says why", () => {
  let s = apply({ type: "queue/snapshot", topic: "team:team_a", snapshot });
  s = reducer(s, { type: "queue/error", topic: "team:team_a", message: "Not allowed." });
  eq([Object.keys(s.queues["team:team_a"]!.tickets), s.queues["team:team_a"]!.error], [["tkt_1"], "Not allowed."]);
});

test("marking notifications read stamps the action's time and keeps an earlier read time", () => {
  let s = apply({ type: "notifications/set", items: [note("ntf_1"), note("ntf_2", 500), note("ntf_3")], unread: 2 });
  s = reducer(s, { type: "notifications/read", ids: ["ntf_1", "ntf_2"], unread: 1, at: 7000 });
  eq(s.notifications.items.map((n) => n.readAt ?? null), [7000, 500, null]);
  s = reducer(s, { type: "notifications/read", ids: null, unread: 0, at: 8000 });
  eq([s.notifications.items.map((n) => n.readAt), s.notifications.unread], [[7000, 500, 8000], 0]);
});

test("a new notification goes first, replaces one with its id, and the list keeps 50", () => {
  let s = apply({ type: "notifications/set", items: Array.from({ length: 50 }, (_, i) => note(`ntf_${i}`)), unread: 50 });
  s = reducer(s, { type: "notifications/add", item: note("ntf_new"), unread: 51 });
  eq([s.notifications.items.length, s.notifications.items[0]!.id, s.notifications.items[49]!.id], [50, "ntf_new", "ntf_48"]);
  s = reducer(s, { type: "notifications/add", item: { ...note("ntf_new"), text: "edited" }, unread: 51 });
  eq([s.notifications.items.length, s.notifications.items[0]!.text], [50, "edited"]);
});

test("session, users, teams and toasts", () => {
  let s = apply(
    { type: "session", status: "signedIn", user: { id: "usr_a", email: "a@b.c", name: "Ada", role: "agent" } },
    { type: "users", users: [{ id: "usr_b", name: "Bob" }] },
    { type: "users", users: [{ id: "usr_b", name: "Bob", role: "agent" }] },
    { type: "teams", teams: [{ id: "team_a", name: "A", members: [] }] },
  );
  eq([s.session.status, s.users["usr_b"], Object.keys(s.teams)], ["signedIn", { id: "usr_b", name: "Bob", role: "agent" }, ["team_a"]]);
  s = reducer(s, { type: "session", status: "expired" });
  eq(s.session.user?.id, "usr_a", "an expired session keeps who it was");
  for (let i = 1; i <= 6; i++) s = reducer(s, { type: "toast", toast: { id: i, kind: "info", text: `t${i}` } });
  eq(s.toasts.map((t) => t.id), [3, 4, 5, 6], "at most four toasts");
  s = reducer(s, { type: "toast/dismiss", id: 4 });
  eq(s.toasts.map((t) => t.id), [3, 5, 6]);
});

test("the store layer imports nothing from live/ (types it keeps live in model/)", () => {
  const fs = require("fs");
  for (const file of fs.readdirSync("src/store")) {
    const source = fs.readFileSync(`src/store/${file}`, "utf8");
    ok(!/from "\.\.\/live\//.test(source), `src/store/${file} imports from live/`);
  }
});

void run("state");
