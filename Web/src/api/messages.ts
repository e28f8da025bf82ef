// Server error codes as sentences people can act on (the server's own message is the fallback).

const MESSAGES: Record<string, string> = {
  invalid_credentials: "That e-mail and password do not match an account.",
  too_many_attempts: "Too many attempts. Wait a few minutes and try again.",
  account_disabled: "This account is disabled. Contact your administrator.",
  csrf_failed: "Your session's security token is out of date. Reload the page and try again.",
  unauthenticated: "Please sign in again.",
  invalid_token: "Your session has ended. Please sign in again.",
  signup_disabled: "Sign-up is turned off on this desk.",
  duplicate: "An account with this e-mail already exists. Sign in instead.",
  signup_token_invalid: "This link is not valid. Copy the whole link from the e-mail, or sign up again.",
  signup_token_expired: "This link has expired. Sign up again to get a new one.",
  signup_token_used: "This link was already used: your account exists. Sign in instead.",
  too_short: "The password needs at least 12 characters.",
  too_weak: "Choose a password with more variety that does not contain your name or e-mail.",
  invalid_email: "Enter a valid e-mail address, like name@example.com.",
  store_unavailable: "The server could not save this just now. Try again in a moment.",
  invalid_transition: "That status change is not allowed from the current status.",
  ticket_closed: "This ticket is closed and cannot be changed. Open a follow-up ticket instead.",
  not_assignable: "That person is not a member of this ticket's team.",
  forbidden: "You do not have permission to do that.",
  not_found: "This was not found, or you do not have access to it.",
  rate_limited: "You are going a little fast; retrying…",
};

/** A readable sentence for an error; `field` adds context for validation errors. */
export function readableError(code: string, serverMessage: string, field?: string): string {
  const known = MESSAGES[code];
  if (known) return known;
  if (field && (code === "required" || code === "too_long" || code === "invalid")) return serverMessage;
  return serverMessage || "Something went wrong. Please try again.";
}
