// Typed REST calls the client uses (docs/API.md).
import { ApiError, request } from "./http";
import { TOO_MANY_CONNECTIONS } from "../model/live";
import type { Priority, Team, TicketSummary, TicketView, User, UserNotification } from "../protocol/types";

interface Session {
  user: User;
  csrfToken?: string;
}
interface Page<T> {
  items: T[];
  nextCursor?: string;
}
/** REST list items carry ISO dates. */
export type TicketListItem = Omit<TicketSummary, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };

/** A query string with every value percent-encoded (the server reads `+` as a plus, not a space). */
const query = (params: Record<string, string>): string =>
  Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
/** The wording of one kind of e-mail (admins). */
export interface MailTemplate {
  kind: string;
  subject: string;
  text: string;
  html: string;
  custom: boolean;
}

/** How notifications reach a user by e-mail. */
export type MailPreference = "immediately" | "digest" | "off";

export const api = {
  me: () => request<User>("GET", "/auth/me"),
  login: (email: string, password: string) => request<Session>("POST", "/auth/login", { email, password, session: "cookie" }),
  /** Asks for an account: the answer is the same whether the address is new or registered. */
  signup: (email: string, name: string) => request<{ status: string; message: string }>("POST", "/auth/signup", { email, name }),
  /** What a confirmation link is for (its address and name), or its typed refusal. */
  checkSignup: (token: string) => request<{ email: string; name: string; expiresAt: string }>("POST", "/auth/signup/check", { token }),
  /** Creates the account the link names with the chosen password and signs in. */
  confirmSignup: (token: string, password: string) =>
    request<Session>("POST", "/auth/signup/confirm", { token, password, session: "cookie" }),
  logout: () => request<void>("POST", "/auth/logout"),
  mailPreference: () => request<{ notifications: MailPreference }>("GET", "/mail/preference"),
  setMailPreference: (notifications: MailPreference) =>
    request<{ notifications: MailPreference }>("PUT", "/mail/preference", { notifications }),
  mailTemplates: () => request<{ items: MailTemplate[] }>("GET", "/mail/templates"),
  setMailTemplate: (kind: string, body: { subject: string; text: string; html: string }) =>
    request<MailTemplate>("PUT", `/mail/templates/${encodeURIComponent(kind)}`, body),
  resetMailTemplate: (kind: string) => request<MailTemplate>("DELETE", `/mail/templates/${encodeURIComponent(kind)}`),
  teams: () => request<Page<Team>>("GET", "/teams?limit=200"),
  user: (id: string) => request<User>("GET", `/users/${encodeURIComponent(id)}`),
  teamMembers: (teamId: string) => request<Page<User>>("GET", `/users?teamId=${encodeURIComponent(teamId)}&limit=200`),
  myTickets: (after?: string) => request<Page<TicketListItem>>("GET", `/tickets?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`),
  /** Tickets matching `params` (q, tag, requester, …), as the caller may see them (customers: their own). */
  searchTickets: (params: Record<string, string>, limit = 8) =>
    request<Page<TicketListItem>>("GET", `/tickets?${query({ ...params, limit: String(limit) })}`),
  /** Customers whose name or e-mail contains `q` (staff only). */
  findCustomers: (q: string, limit = 3) =>
    request<Page<User>>("GET", `/users?${query({ role: "customer", q, limit: String(limit) })}`),
  ticket: (id: string) => request<TicketView>("GET", `/tickets/${encodeURIComponent(id)}`),
  createTicket: (body: { subject: string; description: string; priority?: Priority; team?: string }) =>
    request<TicketView>("POST", "/tickets", body),
  /** Takes back a public reply inside its undo window; its text goes back into the reply draft. */
  undoReply: (ticketId: string, commentId: string) =>
    request<TicketView>("POST", `/tickets/${encodeURIComponent(ticketId)}/comments/${encodeURIComponent(commentId)}/undo`),
  notifications: () => request<Page<UserNotification> & { unread: number }>("GET", "/notifications?limit=30"),
  markRead: (ids?: string[]) => request<{ marked: number; unread: number }>("POST", "/notifications/read", ids ? { ids } : {}),
  /**
   * Why the server refuses this page's WebSockets — its origin, or the per-person connection cap — or null
   * (allowed, or no answer).
   */
  originRefusal: () =>
    request<{ allowed: boolean }>("POST", "/live/origin").then(
      () => null,
      (e: unknown) => {
        if (!(e instanceof ApiError)) return null;
        if (e.code === "origin_not_allowed") return e.message;
        if (e.code === "too_many_connections") return TOO_MANY_CONNECTIONS;
        return null;
      },
    ),
};
