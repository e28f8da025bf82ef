// Top-level routing by session and role.
import { useEffect } from "react";
import { match, navigate, useRoute } from "../app/router";
import { dispatch, useSelector } from "../store/store";
import { isStaffRole } from "../protocol/types";
import { Shell } from "./Shell";
import { Toasts } from "./common/Toasts";
import { LoginPage } from "./auth/LoginPage";
import { SignupPage } from "./auth/SignupPage";
import { ConfirmSignupPage } from "./auth/ConfirmSignupPage";
import { ReauthDialog } from "./auth/ReauthDialog";
import { QueuePage } from "./queue/QueuePage";
import { DashboardPage } from "./dashboard/DashboardPage";
import { MailTemplatesPage } from "./admin/MailTemplatesPage";
import { PortalHome } from "./portal/PortalHome";
import { NewTicketPage } from "./portal/NewTicketPage";
import { PortalTicketPage } from "./portal/PortalTicketPage";
import { useQueueSubscriptions } from "./queue/useQueues";
import { useTicketRef } from "./common/useTicketRef";
import { TicketMissing, TicketSkeleton } from "./common/TicketStates";
import { SkeletonRows } from "./common/Skeleton";

export function App() {
  const session = useSelector((s) => s.session);
  const connState = useSelector((s) => s.connection.state);
  const { path } = useRoute();

  useEffect(() => {
    if (connState === "signed_out" && session.status === "signedIn") dispatch({ type: "session", status: "expired" });
  }, [connState, session.status]);

  if (session.status === "loading") return <div className="mx-auto max-w-3xl p-8"><SkeletonRows rows={4} label="Loading Tandem" testId="app-loading" /></div>;
  if (session.status === "anonymous" || !session.user) {
    return (
      <>
        {path === "/signup" ? <SignupPage /> : path === "/signup/confirm" ? <ConfirmSignupPage /> : <LoginPage />}
        <Toasts />
      </>
    );
  }
  const staff = isStaffRole(session.user.role);
  return (
    <>
      <Shell>{staff ? <StaffRoutes path={path} /> : <CustomerRoutes path={path} />}</Shell>
      {session.status === "expired" && <ReauthDialog />}
      <Toasts />
    </>
  );
}

function StaffRoutes({ path }: { path: string }) {
  useQueueSubscriptions();
  const t = match("/tickets/:id", path);
  if (t) return <StaffTicketRoute reference={t.id} />;
  if (path.startsWith("/dashboard")) return <DashboardPage />;
  if (path === "/admin/email") return <MailTemplatesPage />;
  if (path.startsWith("/queue")) return <QueuePage />;
  return <Redirect to="/queue" />;
}

function CustomerRoutes({ path }: { path: string }) {
  const t = match("/portal/tickets/:id", path);
  if (t) return <PortalTicketRoute key={t.id} reference={t.id} />;
  if (path === "/portal/new") return <NewTicketPage />;
  if (path === "/portal") return <PortalHome />;
  // Staff pages (and anything else) are not for customers: their ticket links lead to the portal view.
  const staffTicket = match("/tickets/:id", path);
  return <Redirect to={staffTicket ? `/portal/tickets/${staffTicket.id}` : "/portal"} />;
}

/** `/tickets/1042` or `/tickets/tkt_…` (old links keep working). */
function StaffTicketRoute({ reference }: { reference: string }) {
  const ref = useTicketRef(reference);
  if (ref.id) return <QueuePage ticketId={ref.id} />;
  return <QueuePage ticketMissing={ref.error ?? null} />;
}

function PortalTicketRoute({ reference }: { reference: string }) {
  const ref = useTicketRef(reference);
  if (ref.id) return <PortalTicketPage key={ref.id} id={ref.id} />;
  if (ref.error) return <TicketMissing message={ref.error} back="/portal" backLabel="Your tickets" />;
  return <TicketSkeleton />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}
