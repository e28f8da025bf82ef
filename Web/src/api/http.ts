// fetch wrapper for /api/v1: cookie session, CSRF double submit, errors as readable ApiError values.
import { readableError } from "./messages";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Called when a signed-in request comes back 401: the session ended, the UI asks to sign in again. */
let onSessionLost: () => void = () => undefined;
export const setSessionLostHandler = (fn: () => void): void => {
  onSessionLost = fn;
};

/** The CSRF token: the readable tandem_csrf cookie (set at sign-in). */
export function csrfToken(): string | undefined {
  const m = document.cookie.match(/(?:^|;\s*)tandem_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const csrf = csrfToken();
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.");
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string; field?: string } } | null;
  if (!res.ok) {
    const e = data?.error ?? { code: `http_${res.status}`, message: res.statusText };
    if (res.status === 401 && !path.startsWith("/auth/login") && !path.startsWith("/auth/signup")) onSessionLost();
    throw new ApiError(res.status, e.code, readableError(e.code, e.message, e.field), e.field);
  }
  return data as T;
}
