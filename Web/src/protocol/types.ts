// Wire types of the tandem.v1 protocol and the REST API (docs/PROTOCOL.md §3.4, docs/API.md).
import type { TextOp } from "../ot/textOperation";

export type Role = "customer" | "agent" | "supervisor" | "admin";
export type Status = "new" | "open" | "pending" | "on-hold" | "solved" | "closed";
export type Priority = "low" | "normal" | "high" | "urgent";
export type TextField = "description" | "internalNotes" | "replyDraft";
export type SetField = "subject" | "status" | "priority" | "assignee" | "team" | "draftMode";
export type Visibility = "public" | "internal";
export type PresenceState = "viewing" | "typing" | "idle";

export const STATUSES: Status[] = ["new", "open", "pending", "on-hold", "solved", "closed"];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];
export const isStaffRole = (r: Role | undefined): boolean => r === "agent" || r === "supervisor" || r === "admin";

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled?: boolean;
}

export interface Team {
  id: string;
  name: string;
  members: { userId: string; role: "agent" | "supervisor" }[];
}

export interface Comment {
  id: string;
  author: string;
  body: string;
  visibility: "public" | "internal";
  mentions: string[];
  createdAt: number;
}

export interface HistoryEntry {
  version: number;
  actor: string;
  at: number;
  field: string;
  from?: string;
  to?: string;
  isPublic: boolean;
}

/** The shared reply draft's mode, the same for everyone on the ticket (staff only). */
export interface DraftMode {
  visibility: Visibility;
  setBy?: string;
  setAt?: number;
  /** Who edited the draft while it was internal, since it was last empty. */
  internalAuthors: string[];
}

/** A public reply by staff inside its undo window (staff only). */
export interface PendingReply {
  comment: Comment;
  publishAt: number;
}

/** The ticket as one audience sees it; staff-only keys are absent from the public view. */
export interface TicketView {
  id: string;
  /** The number people say (#1042); 0 only for a ticket not numbered yet. */
  number: number;
  version: number;
  subject: string;
  description: string;
  status: Status;
  priority: Priority;
  requester: string;
  team?: string;
  assignee?: string;
  tags?: string[];
  internalNotes?: string;
  replyDraft?: string;
  draftMode?: DraftMode;
  pendingReplies?: PendingReply[];
  comments: Comment[];
  history: HistoryEntry[];
  createdAt: number;
  updatedAt: number;
  firstResponseAt?: number;
  solvedAt?: number;
}

export type TicketChange =
  | { kind: "text"; field: TextField; op: TextOp }
  | { kind: "set"; field: SetField; value?: string | null }
  | { kind: "tags"; add: string[]; remove: string[] }
  | { kind: "comment"; comment: Comment }
  | { kind: "reply"; reply: PendingReply }
  | { kind: "withdraw"; comment: string };

export interface TicketOp {
  version: number;
  change: TicketChange;
  author: string;
  at: number;
  client?: string;
  seq?: number;
}

export interface CommentRequest {
  body?: string;
  visibility: "public" | "internal";
  mentions?: string[];
  fromDraft?: boolean;
  /** Send publicly draft text that others wrote as an internal note (PROTOCOL.md §5.8). */
  confirmInternal?: boolean;
}

export interface Selection {
  anchor: number;
  head: number;
}

export interface Presence {
  user: string;
  name: string;
  connection: string;
  state: PresenceState;
  field?: TextField;
  selection?: Selection;
  updatedAt: number;
}

export interface TicketSummary {
  id: string;
  number: number;
  version: number;
  subject: string;
  status: Status;
  priority: Priority;
  requester: string;
  team?: string;
  assignee?: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  firstResponseAt?: number;
  solvedAt?: number;
}

export interface QueueStats {
  byStatus: Partial<Record<Status, number>>;
  unassigned: number;
  oldestWaitingSince?: number;
  load: Record<string, number>;
  atRisk: number;
}

export interface QueueSnapshot {
  team?: string;
  sequence: number;
  tickets: TicketSummary[];
  stats: QueueStats;
}

export interface QueueUpdate {
  sequence: number;
  upsert?: TicketSummary;
  removed?: string;
  stats: QueueStats;
}

export interface UserNotification {
  id: string;
  user: string;
  kind: "mention" | "assigned" | "ticketUpdated";
  ticket: string;
  actor: string;
  text: string;
  createdAt: number | string;
  readAt?: number | string;
}

/** The codes of `error` frames (PROTOCOL.md §7.1; ProtocolContractTests holds them against the server's). */
export type ErrorCode =
  | "unauthenticated"
  | "invalid_json"
  | "invalid_message"
  | "unknown_type"
  | "unknown_topic"
  | "not_subscribed"
  | "too_many_subscriptions"
  | "too_many_connections"
  | "forbidden"
  | "not_found"
  | "future_version"
  | "version_too_old"
  | "stale_sequence"
  | "invalid_operation"
  | "invalid_transition"
  | "text_too_long"
  | "invalid_value"
  | "ticket_closed"
  | "draft_mode_changed"
  | "confirmation_required"
  | "reply_not_pending"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** A file stored for a ticket (docs/API.md, "Attachments"; the `attachment` frame carries one). */
export interface Attachment {
  id: string;
  ticket: string;
  /** The comment it belongs to; absent while it is on the shared reply draft. */
  comment?: string;
  uploader: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  visibility: "public" | "internal";
  inline: boolean;
  width?: number;
  height?: number;
  createdAt: number;
  url: string;
  thumbnailURL?: string;
}

/** Frames the server sends. */
export type ServerFrame =
  | { type: "hello"; protocolVersion: number; user: { id: string; name: string; role: Role }; connection: string; heartbeat: number }
  | { type: "snapshot"; topic: string; ref?: string; v: number; ticket: TicketView; presence: Presence[] }
  | { type: "ops"; topic: string; ref?: string; v: number; ops: TicketOp[]; presence: Presence[] }
  | { type: "queue"; topic: string; ref?: string; snapshot: QueueSnapshot }
  | { type: "notifications"; topic: string; ref?: string; unread: number; items: UserNotification[] }
  | { type: "unsubscribed"; topic: string; reason: "requested" | "forbidden"; ref?: string }
  | { type: "pong"; ref?: string }
  | { type: "error"; code: ErrorCode; message: string; ref?: string; topic?: string; seq?: number }
  | { type: "op"; topic: string; op: TicketOp }
  | { type: "ack"; topic: string; client: string; seq: number; v: number }
  | { type: "presence"; topic: string; presence: Presence }
  | { type: "presence_left"; topic: string; user: string; connection: string }
  | { type: "agent_activity"; topic: string; replying: boolean }
  | { type: "attachment"; topic: string; attachment: Attachment }
  | { type: "queue_update"; topic: string; update: QueueUpdate }
  | { type: "notification"; topic: string; unread: number; notification: UserNotification }
  | { type: "resync"; topic: string; reason: string };

/** Messages the client sends. */
export type ClientMessage =
  | { type: "auth"; token: string; ref?: string }
  | { type: "subscribe"; topic: string; v?: number; ref?: string }
  | { type: "unsubscribe"; topic: string; ref?: string }
  | { type: "op"; topic: string; client: string; seq: number; v: number; op?: TicketChange; comment?: CommentRequest; ref?: string }
  | { type: "presence"; topic: string; state: PresenceState; field?: TextField; selection?: Selection; v?: number }
  | { type: "ping"; ref?: string };
