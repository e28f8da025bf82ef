// The shared draft's mode and pending replies on the client (PROTOCOL.md §5.8.1, §5.8.2, §5.9):
// applying their operations as the server does, and dropping a queued send after an unseen mode change.
import { applyTicketOp } from "../../src/protocol/applyChange";
import { TicketDoc } from "../../src/live/ticketDoc";
import type { ClientMessage, Comment, TicketChange, TicketOp, TicketView } from "../../src/protocol/types";
import { eq, ok, run, test } from "./harness";

const GRACE = "usr_grace";
const BOB = "usr_bob";

function ticket(): TicketView {
  return {
    id: "tkt_1", number: 1, version: 0, subject: "s", description: "", status: "open", priority: "normal", requester: "usr_c",
    internalNotes: "", replyDraft: "", draftMode: { visibility: "public", internalAuthors: [] }, pendingReplies: [],
    comments: [], history: [], createdAt: 0, updatedAt: 0,
  };
}

let version = 0;
const op = (change: TicketChange, author: string, at = 1000): TicketOp => ({ version: ++version, change, author, at });
const apply = (t: TicketView, ...ops: TicketOp[]) => ops.reduce(applyTicketOp, t);

test("a mode change records who and when, once per real change", () => {
  let t = apply(ticket(), op({ kind: "set", field: "draftMode", value: "internal" }, GRACE, 5000));
  eq(t.draftMode, { visibility: "internal", internalAuthors: [], setBy: GRACE, setAt: 5000 });
  eq(t.history.map((h) => [h.field, h.from, h.to, h.isPublic]), [["draftMode", "public", "internal", false]]);
  t = apply(t, op({ kind: "set", field: "draftMode", value: "internal" }, BOB, 6000));
  eq(t.draftMode?.setBy, GRACE, "setting the current mode changes nothing");
  eq(t.history.length, 1);
});

test("draft edits in internal mode name their authors until the draft is empty again", () => {
  let t = apply(ticket(), op({ kind: "text", field: "replyDraft", op: ["public words "] }, BOB));
  eq(t.draftMode?.internalAuthors, [], "text written in public mode");
  t = apply(
    t,
    op({ kind: "set", field: "draftMode", value: "internal" }, GRACE),
    op({ kind: "text", field: "replyDraft", op: [13, "INTERNAL ONLY"] }, GRACE),
    op({ kind: "set", field: "draftMode", value: "public" }, BOB),
    op({ kind: "text", field: "replyDraft", op: [26, "!"] }, BOB),
  );
  eq(t.draftMode?.internalAuthors, [GRACE], "switching back to public keeps what was written meanwhile");
  t = apply(t, op({ kind: "text", field: "replyDraft", op: [{ d: 27 }] }, BOB));
  eq(t.replyDraft, "");
  eq(t.draftMode?.internalAuthors, [], "an empty draft holds nobody's text");
});

test("a pending reply waits, is published by the comment with its id, or is withdrawn", () => {
  const comment: Comment = { id: "cmt_1", author: GRACE, body: "Fixed.", visibility: "public", mentions: [], createdAt: 900 };
  let t = apply(ticket(), op({ kind: "reply", reply: { comment, publishAt: 10_900 } }, GRACE));
  eq(t.pendingReplies?.map((r) => r.comment.id), ["cmt_1"]);
  eq(t.comments.length, 0);
  eq(t.firstResponseAt, undefined, "no first response while pending");
  eq(t.history.at(-1)?.field, "reply");
  const published = apply(t, op({ kind: "comment", comment }, GRACE, 11_000));
  eq(published.pendingReplies, []);
  eq(published.comments.map((c) => c.id), ["cmt_1"]);
  eq(published.firstResponseAt, 11_000);
  const withdrawn = apply(t, op({ kind: "withdraw", comment: "cmt_1" }, BOB));
  eq(withdrawn.pendingReplies, []);
  eq(withdrawn.comments, []);
  eq(withdrawn.history.at(-1)?.field, "withdrawn");
});

test("someone else's mode change drops a queued send of the draft (the sender never saw it), keeping other edits", () => {
  const sent: ClientMessage[] = [];
  const notices: string[] = [];
  const doc = new TicketDoc("tkt_1", { send: (m) => (sent.push(m), true) }, { changed() {}, notice: (_k, text) => notices.push(text), later() {} });
  doc.userId = GRACE;
  doc.subscribe();
  const ref = (sent[0] as { ref?: string }).ref;
  doc.onFrame({ type: "snapshot", topic: "ticket:tkt_1", ref, v: 0, ticket: { ...ticket(), replyDraft: "Hello" }, presence: [] });
  doc.localText("replyDraft", [5, "!"]); // in flight
  doc.postComment({ visibility: "public", fromDraft: true }); // queued behind it
  doc.localText("internalNotes", ["note"]);
  ok(doc.pending.some((i) => "comment" in i), "the send is queued");
  doc.onFrame({ type: "op", topic: "ticket:tkt_1", op: { version: 1, change: { kind: "set", field: "draftMode", value: "internal" }, author: BOB, at: 1 } });
  ok(!doc.pending.some((i) => "comment" in i), "the send was dropped");
  eq(doc.pending.length, 1, "the note edit stays");
  eq(notices.length, 1);
  eq(doc.doc?.draftMode?.visibility, "internal");
  // Our own mode change never drops our send.
  doc.postComment({ visibility: "internal", fromDraft: true });
  doc.onFrame({ type: "op", topic: "ticket:tkt_1", op: { version: 2, change: { kind: "set", field: "draftMode", value: "internal" }, author: GRACE, at: 2, client: "other-tab", seq: 1 } });
  ok(doc.pending.some((i) => "comment" in i), "kept");
});

run("draftMode");
