// Public replies inside their undo window: staff see them as pending, with Undo; the customer sees nothing yet.
import { useEffect, useState } from "react";
import { api } from "../../api/endpoints";
import { useSelector, toast } from "../../store/store";
import type { PendingReply } from "../../protocol/types";
import { btnSecondary } from "../common/ui";

export function PendingReplies({ ticketId, replies }: { ticketId: string; replies: PendingReply[] }) {
  const users = useSelector((s) => s.users);
  const me = useSelector((s) => s.session.user);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    if (replies.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [replies.length]);
  if (replies.length === 0) return null;

  const undo = async (id: string) => {
    setBusy(id);
    try {
      await api.undoReply(ticketId, id);
      toast("info", "Reply taken back; its text is at the top of the draft.");
    } catch (e) {
      toast("error", e instanceof Error ? e.message : "The reply could not be taken back.");
    } finally {
      setBusy(null);
    }
  };

  return (
    <ol className="space-y-2" aria-label="Replies waiting to be sent" data-testid="pending-replies">
      {replies.map((r) => {
        // The server's clock decides; the countdown is the browser's estimate of the same window.
        const left = Math.max(0, Math.ceil((r.publishAt - now) / 1000));
        const author = r.comment.author === me?.id ? "You" : users[r.comment.author]?.name ?? "A colleague";
        return (
          <li key={r.comment.id} data-testid="pending-reply" className="rounded-lg border border-dashed border-indigo-400 bg-indigo-50 p-3 text-sm dark:border-indigo-700 dark:bg-indigo-950">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <p className="font-semibold" aria-live="polite">
                {author} replied · {left > 0 ? `sending to the customer in ${left} s` : "sending…"}
              </p>
              <button type="button" data-testid="undo-reply" className={btnSecondary} disabled={busy === r.comment.id} onClick={() => void undo(r.comment.id)}>
                Undo
              </button>
            </div>
            <p className="mt-1 whitespace-pre-wrap break-words">{r.comment.body}</p>
          </li>
        );
      })}
    </ol>
  );
}
