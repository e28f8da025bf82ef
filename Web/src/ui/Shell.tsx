// The frame around every signed-in page: header, navigation, bell, banner.
import type { ReactNode } from "react";
import { logout } from "../app/session";
import { useRoute } from "../app/router";
import { useSelector } from "../store/store";
import { ConnectionBanner } from "./ConnectionBanner";
import { NotificationBell } from "./NotificationBell";
import { SearchBox } from "./search/SearchBox";
import { MailPreferenceMenu } from "./MailPreferenceMenu";
import { Link } from "./common/Link";
import { Avatar } from "./common/Avatar";
import { focusRing } from "./common/ui";
import { isStaffRole } from "../protocol/types";

export function Shell({ children }: { children: ReactNode }) {
  const user = useSelector((s) => s.session.user);
  const { path } = useRoute();
  const staff = isStaffRole(user?.role);
  const nav = staff
    ? [
        { href: "/queue", label: "Queue", active: path.startsWith("/queue") || path.startsWith("/tickets") },
        { href: "/dashboard", label: "Dashboard", active: path.startsWith("/dashboard") },
        ...(user?.role === "admin" ? [{ href: "/admin/email", label: "Templates", active: path === "/admin/email" }] : []),
      ]
    : [
        { href: "/portal", label: "My tickets", active: path === "/portal" || path.startsWith("/portal/tickets") },
        { href: "/portal/new", label: "New ticket", active: path === "/portal/new" },
      ];
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900">
        Skip to content
      </a>
      <ConnectionBanner />
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-1 px-2 py-2 sm:flex-nowrap sm:gap-4 sm:px-4">
          <Link href={staff ? "/queue" : "/portal"} className={`rounded text-lg font-bold tracking-tight text-indigo-800 dark:text-indigo-300 ${focusRing}`}>
            Tandem
          </Link>
          <nav aria-label="Main" className="order-last flex w-full gap-1 sm:order-none sm:w-auto">
            {nav.map((n) => (
              <Link
                key={n.href}
                href={n.href}
                aria-current={n.active ? "page" : undefined}
                className={`whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium sm:px-3 ${focusRing} ${n.active ? "bg-indigo-50 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
              >
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-1 sm:gap-3">
            <SearchBox staff={staff} />
            <NotificationBell />
            <MailPreferenceMenu />
            {user && (
              <span className="hidden items-center gap-2 text-sm sm:flex">
                <Avatar id={user.id} name={user.name} />
                <span className="max-w-32 truncate" data-testid="me">{user.name}</span>
              </span>
            )}
            <button type="button" onClick={() => logout()} className={`whitespace-nowrap rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800 ${focusRing}`}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-3 py-4 sm:px-4">
        {children}
      </main>
    </div>
  );
}
