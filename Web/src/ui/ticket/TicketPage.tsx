// The agent's ticket view: live co-editing, presence, conversation, controls and history.
import { useEffect, useState } from "react";
import { live } from "../../live/liveClient";
import { ensureUser } from "../../app/session";
import { useSelector } from "../../store/store";
import { useTicket } from "./useTicket";
import { CollabText } from "./CollabText";
import { PresenceBar } from "./PresenceBar";
import { CommentThread } from "./CommentThread";
import { ReplyComposer } from "./ReplyComposer";
import { PendingReplies } from "./PendingReplies";
import { TicketControls } from "./TicketControls";
import { HistoryPanel } from "./HistoryPanel";
import { AttachmentDropZone } from "./AttachmentDropZone";
import { AttachmentList } from "./AttachmentList";
import { useAttachments } from "./useAttachments";
import { PriorityLabel, StatusBadge } from "../common/Badges";
import { relativeTime } from "../common/format";
import { card, focusRing } from "../common/ui";
import type { TicketView } from "../../protocol/types";
import { TicketMissing, TicketSkeleton, missingMessage } from "../common/TicketStates";

export function TicketPage({ id }: { id: string }) {
  const state = useTicket(id);
  const me = useSelector((s) => s.connection.connection);
  const users = useSelector((s) => s.users);
  const t = state?.doc;
  useEffect(() => ensureUser(t?.requester), [t?.requester]);
  useEffect(() => {
    if (state?.status === "live") live.presence(id, { state: "viewing" });
  }, [id, state?.status]);
  useIdle(id);
  const files = useAttachments(id, t?.version, state?.files);

  if (!state || (!t && state.status === "subscribing") || (!t && state.status === "idle")) return <TicketSkeleton />;
  if (!t) return <TicketMissing message={missingMessage(state.error)} back="/queue" backLabel="Back to the queue" />;

  return (
    <article className="space-y-4" aria-labelledby="ticket-subject" data-testid="ticket" data-version={t.version}>
      <header className={`${card} space-y-3 p-4`}>
        <div className="flex flex-wrap items-center gap-2">
          {t.number > 0 && <span className="text-sm font-semibold tabular-nums text-slate-700 dark:text-slate-300" data-testid="ticket-number">#{t.number}</span>}
          <StatusBadge status={t.status} testId="ticket-status" />
          <PriorityLabel priority={t.priority} />
          <span className="text-xs text-slate-600 dark:text-slate-400">
            from <strong className="font-semibold text-slate-800 dark:text-slate-200">{users[t.requester]?.name ?? "…"}</strong> · opened {relativeTime(t.createdAt)}
          </span>
          {state.unsaved > 0 && <span className="ml-auto text-xs text-slate-600 dark:text-slate-400" data-testid="saving">Saving…</span>}
          {state.unsaved === 0 && <span className="ml-auto text-xs text-emerald-800 dark:text-emerald-300" data-testid="saved">All changes saved</span>}
        </div>
        <Subject t={t} />
        <PresenceBar presence={state.presence} me={me} />
      </header>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-4">
          <section className={`${card} p-4`} aria-labelledby="desc-heading">
            <h3 id="desc-heading" className="mb-2 text-sm font-semibold">Description</h3>
            <CollabText ticketId={id} field="description" text={t.description} label="Description" presence={state.presence} testId="description" readOnly={t.status === "closed"} />
          </section>
          <section className={`${card} space-y-4 p-4`} aria-labelledby="conv-heading">
            <h3 id="conv-heading" className="text-sm font-semibold">Conversation</h3>
            <CommentThread comments={t.comments} requester={t.requester} attachments={files.items} />
            <PendingReplies ticketId={t.id} replies={t.pendingReplies ?? []} />
            <AttachmentDropZone ticketId={t.id} hint="Drop files or paste a screenshot: they go with the reply (staff only until it is sent)." onUploaded={files.refresh}>
              <ReplyComposer t={t} presence={state.presence} />
            </AttachmentDropZone>
          </section>
        </div>
        <aside className="space-y-4" aria-label="Ticket details">
          <section className={`${card} p-4`}>
            <TicketControls t={t} />
          </section>
          <section className={`${card} p-4`}>
            <AttachmentList items={files.items} staff />
          </section>
          <section className={`${card} border-amber-300 p-4 dark:border-amber-800`} aria-labelledby="notes-heading">
            <h3 id="notes-heading" className="mb-2 text-sm font-semibold">Internal notes <span className="font-normal text-slate-600 dark:text-slate-400">(staff only)</span></h3>
            <CollabText ticketId={id} field="internalNotes" text={t.internalNotes ?? ""} label="Internal notes" presence={state.presence} testId="internal-notes" placeholder="Notes only your team sees" />
          </section>
          <details className={`${card} p-4`} open>
            <summary className={`cursor-pointer text-sm font-semibold ${focusRing}`}>History</summary>
            <div className="mt-3"><HistoryPanel history={t.history} /></div>
          </details>
        </aside>
      </div>
    </article>
  );
}

/** The subject, editable in place (Enter or leaving the field saves). */
function Subject({ t }: { t: TicketView }) {
  const [draft, setDraft] = useState<string | null>(null);
  const save = () => {
    if (draft !== null && draft.trim() && draft.trim() !== t.subject) live.setField(t.id, "subject", draft.trim());
    setDraft(null);
  };
  return (
    <h2 id="ticket-subject" className="text-xl font-semibold tracking-tight">
      <label htmlFor="subject-input" className="sr-only">Subject</label>
      <input
        id="subject-input"
        className="-mx-1 block w-full rounded-md bg-transparent px-1 py-1 text-xl font-semibold hover:bg-slate-50 focus:bg-white focus:outline-2 focus:outline-indigo-600 disabled:hover:bg-transparent dark:hover:bg-slate-800 dark:focus:bg-slate-900"
        value={draft ?? t.subject}
        maxLength={200}
        disabled={t.status === "closed"}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === "Enter") e.currentTarget.blur();
          if (e.key === "Escape") setDraft(null);
        }}
      />
    </h2>
  );
}

/** After a minute without keyboard or pointer activity, tell the others we are idle. */
function useIdle(id: string) {
  useEffect(() => {
    let idle = false;
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      if (idle) {
        idle = false;
        live.presence(id, { state: "viewing" });
      }
      timer = setTimeout(() => {
        idle = true;
        live.presence(id, { state: "idle" });
      }, 60_000);
    };
    arm();
    const events = ["keydown", "pointerdown", "pointermove", "focus"] as const;
    events.forEach((e) => window.addEventListener(e, arm, { passive: true }));
    return () => {
      clearTimeout(timer);
      events.forEach((e) => window.removeEventListener(e, arm));
    };
  }, [id]);
}
