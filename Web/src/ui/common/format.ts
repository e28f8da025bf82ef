// Display helpers: relative times, colours per person, labels.
import type { Priority, Status } from "../../protocol/types";

export function relativeTime(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d < 30 ? `${d} d ago` : new Date(ms).toLocaleDateString();
}

/** Duration like "3 h 12 min". */
export function duration(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60000));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** ISO string or epoch ms → epoch ms. */
export const toMs = (t: number | string): number => (typeof t === "number" ? t : Date.parse(t));

// Caret colours, dark enough for labels in white text (contrast ≥ 4.5:1).
const PALETTE = ["#b91c1c", "#1d4ed8", "#047857", "#7e22ce", "#c2410c", "#0f766e", "#be185d", "#4338ca"];
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => Array.from(w)[0]!.toUpperCase())
    .join("");

export const STATUS_LABEL: Record<Status, string> = {
  new: "New",
  open: "Open",
  pending: "Pending",
  "on-hold": "On hold",
  solved: "Solved",
  closed: "Closed",
};
export const PRIORITY_LABEL: Record<Priority, string> = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" };

/** Statuses a ticket may move to from `s` (API.md status transitions), `s` first. */
export function nextStatuses(s: Status): Status[] {
  const t: Record<Status, Status[]> = {
    new: ["new", "open", "pending", "on-hold", "solved"],
    open: ["open", "pending", "on-hold", "solved"],
    pending: ["pending", "open", "on-hold", "solved"],
    "on-hold": ["on-hold", "open", "pending", "solved"],
    solved: ["solved", "open", "closed"],
    closed: ["closed"],
  };
  return t[s];
}
