// Sign-in, sign-up, sign-out and the session lifecycle (cookie mode; a lost session keeps all local state).
import { api } from "../api/endpoints";
import { csrfToken, setSessionLostHandler } from "../api/http";
import { live } from "../live/liveClient";
import { dispatch, store } from "../store/store";
import { isStaffRole, type User } from "../protocol/types";

async function signedIn(user: User): Promise<void> {
  dispatch({ type: "session", status: "signedIn", user });
  dispatch({ type: "users", users: [user] });
  live.start(user);
  if (isStaffRole(user.role)) await loadTeams();
}

/** Teams the user may see, and their members (for names, assignees and @mentions). */
export async function loadTeams(): Promise<void> {
  try {
    const teams = (await api.teams()).items;
    dispatch({ type: "teams", teams });
    const pages = await Promise.all(teams.map((t) => api.teamMembers(t.id).catch(() => ({ items: [] }))));
    dispatch({ type: "users", users: pages.flatMap((p) => p.items) });
  } catch {
    // Names fall back to ids; the desk still works.
  }
}

export async function boot(): Promise<void> {
  setSessionLostHandler(() => {
    if (store.getState().session.status === "signedIn") dispatch({ type: "session", status: "expired" });
  });
  // A cookie session always comes with the readable tandem_csrf cookie (same lifetime): without it
  // there is no session to ask about, and asking would only log a 401 in the console.
  if (!csrfToken()) return void dispatch({ type: "session", status: "anonymous", user: null });
  try {
    await signedIn(await api.me());
  } catch {
    dispatch({ type: "session", status: "anonymous", user: null });
  }
}

export async function login(email: string, password: string): Promise<User> {
  const s = await api.login(email, password);
  const before = store.getState().session.user;
  if (before && before.id !== s.user.id) {
    sessionStorage.clear(); // another person: do not resend someone else's unsaved edits
    location.assign("/");
  }
  await signedIn(s.user);
  return s.user;
}

/** Asks for an account; the link to finish arrives by e-mail. */
export async function signup(email: string, name: string): Promise<void> {
  await api.signup(email, name);
}

/** Finishes a sign-up from its e-mailed link: creates the account and signs in. */
export async function confirmSignup(token: string, password: string): Promise<User> {
  const s = await api.confirmSignup(token, password);
  await signedIn(s.user);
  return s.user;
}

export async function logout(): Promise<void> {
  await api.logout().catch(() => undefined);
  live.stop();
  sessionStorage.clear();
  location.assign("/login");
}

const pending = new Set<string>();
/** Loads a user's name once (customers and colleagues), for display. */
export function ensureUser(id: string | undefined): void {
  if (!id || pending.has(id) || store.getState().users[id]) return;
  pending.add(id);
  api
    .user(id)
    .then((u) => dispatch({ type: "users", users: [u] }))
    .catch(() => dispatch({ type: "users", users: [{ id, name: "Unknown user" }] }));
}
