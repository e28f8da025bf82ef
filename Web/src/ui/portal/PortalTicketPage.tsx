// The customer's view of a ticket: status and public replies pushed live, and a reply box.
import { useState, type FormEvent } from "react";
import { live } from "../../live/liveClient";
import { request } from "../../api/http";
import { uploadAttachment } from "../../api/attachments";
import type { TicketView } from "../../protocol/types";
import { useSelector } from "../../store/store";
import { useTicket } from "../ticket/useTicket";
import { CommentThread } from "../ticket/CommentThread";
import { AttachmentList } from "../ticket/AttachmentList";
import { useAttachments } from "../ticket/useAttachments";
import { StatusBadge } from "../common/Badges";
import { Link } from "../common/Link";
import { STATUS_LABEL, relativeTime } from "../common/format";
import { btnPrimary, card, input } from "../common/ui";
import { TicketMissing, TicketSkeleton, missingMessage } from "../common/TicketStates";

export function PortalTicketPage({ id }: { id: string }) {
  const state = useTicket(id);
  const t = state?.doc;
  const [reply, setReply] = useState("");
  const [chosen, setChosen] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const me = useSelector((s) => s.session.user);
  const files = useAttachments(id, t?.version, state?.files);

  if (!state || (!t && (state.status === "subscribing" || state.status === "idle"))) return <TicketSkeleton />;
  if (!t) return <TicketMissing message={missingMessage(state.error)} back="/portal" backLabel="Your tickets" />;

  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!reply.trim()) return;
    if (chosen.length === 0) {
      live.comment(id, { body: reply, visibility: "public" });
      setReply("");
      return;
    }
    // Files go on the reply itself: post it, then upload each file to it.
    const body = reply;
    const queued = chosen;
    setProgress(0);
    setFailure(null);
    request<TicketView>("POST", `/tickets/${encodeURIComponent(id)}/comments`, { body })
      .then(async (view) => {
        setReply("");
        setChosen([]);
        const mine = [...view.comments].reverse().find((c) => c.author === me?.id);
        if (!mine) throw new Error("Your reply was sent, but the files could not be attached to it.");
        for (const [index, file] of queued.entries()) {
          await uploadAttachment(id, file, file.name || "file", {
            comment: mine.id,
            onProgress: (f) => setProgress((index + f) / queued.length),
          });
        }
      })
      .catch((err: unknown) => setFailure(err instanceof Error ? err.message : "The files could not be sent."))
      .finally(() => {
        setProgress(null);
        files.refresh();
      });
  };
  return (
    <article className="mx-auto max-w-3xl space-y-4" data-testid="portal-ticket" aria-labelledby="pt-subject">
      <Link href="/portal" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">← Your tickets</Link>
      <header className={`${card} space-y-2 p-5`}>
        <div className="flex flex-wrap items-center gap-2">
          {t.number > 0 && <span className="text-sm font-semibold tabular-nums text-slate-700 dark:text-slate-300" data-testid="ticket-number">#{t.number}</span>}
          <StatusBadge status={t.status} testId="ticket-status" />
          <span className="text-xs text-slate-600 dark:text-slate-400">Opened {relativeTime(t.createdAt)}</span>
        </div>
        <h1 id="pt-subject" className="text-xl font-semibold">{t.subject}</h1>
        <p className="sr-only" aria-live="polite">Status: {STATUS_LABEL[t.status]}</p>
        <p className="whitespace-pre-wrap break-words text-sm text-slate-800 dark:text-slate-200" data-testid="description">{t.description}</p>
      </header>
      <section className={`${card} space-y-4 p-5`} aria-labelledby="pt-conv">
        <h2 id="pt-conv" className="text-sm font-semibold">Conversation</h2>
        <CommentThread comments={t.comments} requester={t.requester} attachments={files.items} />
        <p aria-live="polite" className="min-h-5 text-sm text-slate-600 dark:text-slate-400" data-testid="agent-typing">
          {state.replying ? <span className="motion-safe:animate-pulse">An agent is writing a reply…</span> : ""}
        </p>
        {t.status !== "closed" ? (
          <form
            onSubmit={send}
            className="space-y-2"
            onDragOver={(e) => e.dataTransfer.types.includes("Files") && e.preventDefault()}
            onDrop={(e) => {
              if (!e.dataTransfer.files.length) return;
              e.preventDefault();
              setChosen((list) => [...list, ...e.dataTransfer.files]);
            }}
            onPaste={(e) => {
              if (!e.clipboardData.files.length) return;
              e.preventDefault();
              setChosen((list) => [...list, ...e.clipboardData.files]);
            }}
            data-testid="portal-reply-form"
          >
            <label htmlFor="pt-reply" className="sr-only">Your reply</label>
            <textarea id="pt-reply" rows={3} className={input} placeholder="Write a reply… (drop or paste files to attach them)" value={reply} onChange={(e) => setReply(e.target.value)} data-testid="customer-reply" />
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <label className="cursor-pointer font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                Attach files
                <input type="file" multiple className="sr-only" data-testid="attach-input" onChange={(e) => {
                  setChosen((list) => [...list, ...(e.target.files ?? [])]);
                  e.target.value = "";
                }} />
              </label>
              {chosen.map((f, i) => (
                <span key={i} className="rounded bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800" data-testid="chosen-file">{f.name}</span>
              ))}
              {progress !== null && <progress className="h-2 w-32" max={1} value={progress} aria-label="Sending files" data-testid="upload-progress" />}
            </div>
            {failure && <p role="alert" className="text-sm text-red-700" data-testid="upload-error">{failure}</p>}
            <div className="flex justify-end">
              <button className={btnPrimary} type="submit" disabled={!reply.trim()}>Send</button>
            </div>
          </form>
        ) : (
          <p className="text-sm text-slate-600">This ticket is closed. <Link href="/portal/new" className="font-semibold text-indigo-700 dark:text-indigo-300">Open a new one</Link> if you need more help.</p>
        )}
      </section>
      <section className={`${card} p-5`}>
        <AttachmentList items={files.items} staff={false} />
      </section>
    </article>
  );
}
