// The Redux state of the client and the one reducer that changes it (plain Redux, no toolkit).
// The reducer is pure: the time of an event comes in its action.
import type { ConnSnapshot, DocStatus } from "../model/live";
import type { Presence, QueueSnapshot, QueueStats, QueueUpdate, Team, TicketSummary, TicketView, User, UserNotification } from "../protocol/types";

export type SessionStatus = "loading" | "anonymous" | "signedIn" | "expired";

/** What the UI shows of one live ticket (the OT engine itself lives in LiveClient). */
export interface TicketState {
  doc: TicketView | null;
  status: DocStatus;
  error: string | null;
  unsaved: number;
  presence: Presence[];
  replying: boolean;
  /** Grows with every subscribe reply and `attachment` frame: the ticket's file list is read again. */
  files: number;
}

export interface QueueState {
  topic: string;
  team?: string;
  tickets: Record<string, TicketSummary>;
  stats: QueueStats | null;
  sequence: number;
  /** Ids changed by the last live updates, for the slide/flash animation. */
  fresh: Record<string, number>;
  error?: string;
}

export interface Toast {
  id: number;
  kind: "error" | "info" | "success";
  text: string;
}

export interface RootState {
  session: { status: SessionStatus; user: User | null };
  connection: ConnSnapshot;
  tickets: Record<string, TicketState>;
  queues: Record<string, QueueState>;
  notifications: { items: UserNotification[]; unread: number; loaded: boolean };
  users: Record<string, Pick<User, "id" | "name"> & Partial<User>>;
  teams: Record<string, Team>;
  toasts: Toast[];
}

export type Action =
  | { type: "session"; status: SessionStatus; user?: User | null }
  | { type: "connection"; snapshot: ConnSnapshot }
  | { type: "ticket"; id: string; state: TicketState }
  | { type: "ticket/drop"; id: string }
  | { type: "queue/snapshot"; topic: string; snapshot: QueueSnapshot }
  /** `at`: when the update arrived (ms since epoch), for the "fresh" highlight. */
  | { type: "queue/update"; topic: string; update: QueueUpdate; at: number }
  | { type: "queue/error"; topic: string; message: string }
  | { type: "queue/drop"; topic: string }
  | { type: "notifications/set"; items: UserNotification[]; unread: number }
  | { type: "notifications/add"; item: UserNotification; unread: number }
  /** `at`: when they were marked read (ms since epoch). */
  | { type: "notifications/read"; ids: string[] | null; unread: number; at: number }
  | { type: "users"; users: (Pick<User, "id" | "name"> & Partial<User>)[] }
  | { type: "teams"; teams: Team[] }
  | { type: "toast"; toast: Toast }
  | { type: "toast/dismiss"; id: number };

export const initialState: RootState = {
  session: { status: "loading", user: null },
  connection: { state: "stopped", attempt: 0, retryAt: null, connection: null, refusal: null },
  tickets: {},
  queues: {},
  notifications: { items: [], unread: 0, loaded: false },
  users: {},
  teams: {},
  toasts: [],
};

const byId = <T extends { id: string }>(xs: T[]): Record<string, T> => Object.fromEntries(xs.map((x) => [x.id, x]));

function queueReducer(q: QueueState | undefined, a: Action): QueueState | undefined {
  switch (a.type) {
    case "queue/snapshot":
      return { topic: a.topic, team: a.snapshot.team, tickets: byId(a.snapshot.tickets), stats: a.snapshot.stats, sequence: a.snapshot.sequence, fresh: {} };
    case "queue/update": {
      if (!q) return q;
      const tickets = { ...q.tickets };
      const fresh = { ...q.fresh };
      if (a.update.upsert) {
        tickets[a.update.upsert.id] = a.update.upsert;
        fresh[a.update.upsert.id] = a.at;
      }
      if (a.update.removed) delete tickets[a.update.removed];
      return { ...q, tickets, stats: a.update.stats, sequence: a.update.sequence, fresh };
    }
    case "queue/error":
      return { topic: a.topic, tickets: q?.tickets ?? {}, stats: q?.stats ?? null, sequence: q?.sequence ?? 0, fresh: {}, ...q, error: a.message };
    default:
      return q;
  }
}

export function reducer(state: RootState = initialState, a: Action): RootState {
  switch (a.type) {
    case "session":
      return { ...state, session: { status: a.status, user: a.user === undefined ? state.session.user : a.user } };
    case "connection":
      return { ...state, connection: a.snapshot };
    case "ticket":
      return { ...state, tickets: { ...state.tickets, [a.id]: a.state } };
    case "ticket/drop": {
      const tickets = { ...state.tickets };
      delete tickets[a.id];
      return { ...state, tickets };
    }
    case "queue/snapshot":
    case "queue/update":
    case "queue/error": {
      const q = queueReducer(state.queues[a.topic], a);
      return q ? { ...state, queues: { ...state.queues, [a.topic]: q } } : state;
    }
    case "queue/drop": {
      const queues = { ...state.queues };
      delete queues[a.topic];
      return { ...state, queues };
    }
    case "notifications/set":
      return { ...state, notifications: { items: a.items, unread: a.unread, loaded: true } };
    case "notifications/add": {
      const items = [a.item, ...state.notifications.items.filter((n) => n.id !== a.item.id)].slice(0, 50);
      return { ...state, notifications: { items, unread: a.unread, loaded: true } };
    }
    case "notifications/read": {
      const items = state.notifications.items.map((n) => (a.ids === null || a.ids.includes(n.id) ? { ...n, readAt: n.readAt ?? a.at } : n));
      return { ...state, notifications: { ...state.notifications, items, unread: a.unread } };
    }
    case "users": {
      const users = { ...state.users };
      for (const u of a.users) users[u.id] = { ...users[u.id], ...u };
      return { ...state, users };
    }
    case "teams":
      return { ...state, teams: { ...state.teams, ...byId(a.teams) } };
    case "toast":
      return { ...state, toasts: [...state.toasts.slice(-3), a.toast] };
    case "toast/dismiss":
      return { ...state, toasts: state.toasts.filter((t) => t.id !== a.id) };
    default:
      return state;
  }
}
