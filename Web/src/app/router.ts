// A small history router: the path is an external store read with useSyncExternalStore.
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener("popstate", notify);

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const current = () => location.pathname + location.search;

/** Goes to `to` without a reload. */
export function navigate(to: string, replace = false): void {
  if (to === current()) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
  window.scrollTo?.(0, 0);
}

export interface Route {
  path: string;
  query: URLSearchParams;
}

export function useRoute(): Route {
  const full = useSyncExternalStore(subscribe, current);
  const [path, search = ""] = full.split("?");
  return { path: path ?? "/", query: new URLSearchParams(search) };
}

/** Matches "/tickets/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(":")) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
