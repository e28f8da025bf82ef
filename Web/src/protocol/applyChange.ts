// Applying a committed operation to a local TicketView, as the server does (PROTOCOL.md §5.9).
import { applyTags } from "../ot/tagOperation";
import { apply } from "../ot/textOperation";
import type { DraftMode, HistoryEntry, TicketOp, TicketView, Visibility } from "./types";

/** A new ticket with `op` applied; `op.version` becomes the ticket's version. */
export function applyTicketOp(t: TicketView, op: TicketOp): TicketView {
  const next: TicketView = { ...t, version: op.version, updatedAt: Math.max(t.updatedAt, op.at) };
  const c = op.change;
  const history = t.history.slice();
  const add = (e: Omit<HistoryEntry, "version" | "actor" | "at">) => history.push({ version: op.version, actor: op.author, at: op.at, ...e });
  switch (c.kind) {
    case "text": {
      next[c.field] = apply(t[c.field] ?? "", c.op);
      if (c.field === "replyDraft" && t.draftMode) next.draftMode = noteDraftEdit(t.draftMode, next.replyDraft ?? "", op.author);
      const i = latestTextEntry(history, op.author, op.at);
      const e = i === -1 ? undefined : history[i];
      if (e && e.field === c.field && e.from === undefined && e.to === undefined) history[i] = { ...e, version: op.version };
      else add({ field: c.field, isPublic: c.field === "description" });
      break;
    }
    case "set": {
      const value = c.value ?? undefined;
      if (c.field === "subject") {
        const trimmed = (value ?? "").trim();
        add({ field: "subject", from: t.subject, to: trimmed, isPublic: true });
        next.subject = trimmed;
      } else if (c.field === "status") {
        if (value && value !== t.status) {
          add({ field: "status", from: t.status, to: value, isPublic: true });
          next.status = value as TicketView["status"];
          if (value === "solved") next.solvedAt = op.at;
          else if (t.status === "solved" && value === "open") delete next.solvedAt;
        }
      } else if (c.field === "draftMode") {
        const mode = t.draftMode ?? { visibility: "public", internalAuthors: [] };
        if (value && value !== mode.visibility) {
          add({ field: "draftMode", from: mode.visibility, to: value, isPublic: false });
          next.draftMode = { ...mode, visibility: value as Visibility, setBy: op.author, setAt: op.at };
        }
      } else if (c.field === "priority") {
        if (value && value !== t.priority) {
          add({ field: "priority", from: t.priority, to: value, isPublic: true });
          next.priority = value as TicketView["priority"];
        }
      } else {
        const old = t[c.field];
        if (old !== value) {
          add({ field: c.field, from: old, to: value, isPublic: false });
          if (value === undefined) delete next[c.field];
          else next[c.field] = value;
        }
      }
      break;
    }
    case "tags": {
      const before = [...(t.tags ?? [])].sort();
      const after = applyTags(before, c);
      if (after.join(",") !== before.join(",")) add({ field: "tags", from: before.join(","), to: after.join(","), isPublic: false });
      next.tags = after;
      break;
    }
    case "comment": {
      const cm = c.comment;
      if (t.pendingReplies) next.pendingReplies = t.pendingReplies.filter((p) => p.comment.id !== cm.id);
      next.comments = [...t.comments, cm];
      const isPublic = cm.visibility === "public";
      add({ field: "comment", to: cm.id, isPublic });
      if (isPublic && cm.author !== t.requester && next.firstResponseAt === undefined) next.firstResponseAt = op.at;
      if (isPublic && cm.author === t.requester && (t.status === "pending" || t.status === "solved")) {
        add({ field: "status", from: t.status, to: "open", isPublic: true });
        next.status = "open";
        delete next.solvedAt;
      }
      break;
    }
    case "reply": {
      next.pendingReplies = [...(t.pendingReplies ?? []), c.reply];
      add({ field: "reply", to: c.reply.comment.id, isPublic: false });
      break;
    }
    case "withdraw": {
      next.pendingReplies = (t.pendingReplies ?? []).filter((p) => p.comment.id !== c.comment);
      add({ field: "withdrawn", to: c.comment, isPublic: false });
      break;
    }
  }
  next.history = history;
  return next;
}

/** The actor's latest history entry less than 60 s older than `at` (looking back at most 128 entries), or -1. */
function latestTextEntry(history: HistoryEntry[], actor: string, at: number): number {
  for (let i = history.length - 1; i >= 0 && i >= history.length - 128; i--) {
    const e = history[i]!;
    if (at - e.at >= 60_000) return -1;
    if (e.actor === actor) return i;
  }
  return -1;
}

/** Who wrote draft text in internal mode (PROTOCOL.md §5.8): nobody once the draft is empty. */
function noteDraftEdit(mode: DraftMode, draft: string, author: string): DraftMode {
  if (draft.length === 0) return mode.internalAuthors.length ? { ...mode, internalAuthors: [] } : mode;
  if (mode.visibility !== "internal" || mode.internalAuthors.includes(author)) return mode;
  return { ...mode, internalAuthors: [...mode.internalAuthors, author].sort() };
}
