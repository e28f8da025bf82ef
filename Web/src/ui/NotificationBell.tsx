// Notification bell with the unread count; the list opens as a keyboard-friendly popover.
import { useEffect, useRef, useState } from "react";
import { api } from "../api/endpoints";
import { dispatch, useSelector } from "../store/store";
import { navigate } from "../app/router";
import { relativeTime, toMs } from "./common/format";
import { focusRing } from "./common/ui";
import { isStaffRole } from "../protocol/types";

const KIND: Record<string, string> = { mention: "mentioned you on", assigned: "assigned you", ticketUpdated: "updated" };

export function NotificationBell() {
  const { items, unread } = useSelector((s) => s.notifications);
  const users = useSelector((s) => s.users);
  const role = useSelector((s) => s.session.user?.role);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const markAll = async () => {
    const r = await api.markRead().catch(() => null);
    if (r) dispatch({ type: "notifications/read", ids: null, unread: r.unread, at: Date.now() });
  };
  const openItem = async (id: string, ticket: string) => {
    setOpen(false);
    navigate(isStaffRole(role) ? `/tickets/${ticket}` : `/portal/tickets/${ticket}`);
    const r = await api.markRead([id]).catch(() => null);
    if (r) dispatch({ type: "notifications/read", ids: [id], unread: r.unread, at: Date.now() });
  };

  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        data-testid="bell"
        aria-expanded={open}
        aria-haspopup="true"
        aria-label={`Notifications, ${unread} unread`}
        onClick={() => setOpen(!open)}
        className={`relative rounded-full p-2 text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800 ${focusRing}`}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span key={unread} className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs font-bold leading-5 text-white motion-safe:motion-scale-in-50">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="absolute right-0 z-30 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-xl border border-slate-200 bg-white shadow-xl motion-safe:motion-preset-fade dark:border-slate-700 dark:bg-slate-900">
          <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2 dark:border-slate-700">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <button type="button" onClick={markAll} className={`text-xs font-semibold text-indigo-700 hover:underline dark:text-indigo-300 ${focusRing}`}>Mark all read</button>
          </div>
          <ul className="max-h-96 overflow-auto">
            {items.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-600 dark:text-slate-400">Nothing new.</li>}
            {items.map((n) => (
              <li key={n.id}>
                <button type="button" onClick={() => openItem(n.id, n.ticket)} className={`flex w-full flex-col items-start gap-0.5 px-4 py-2 text-left text-sm hover:bg-slate-50 dark:hover:bg-slate-800 ${focusRing} ${n.readAt ? "" : "bg-indigo-50 dark:bg-indigo-950"}`}>
                  <span>
                    <strong>{users[n.actor]?.name ?? "Someone"}</strong> {KIND[n.kind]} <em className="not-italic font-medium">{n.text}</em>
                  </span>
                  <span className="text-xs text-slate-600 dark:text-slate-400">{relativeTime(toMs(n.createdAt))}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
