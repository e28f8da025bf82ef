// The conversation: public replies and (for staff) internal notes, oldest first.
import { isStaffRole, type Comment } from "../../protocol/types";
import { useSelector } from "../../store/store";
import { Avatar } from "../common/Avatar";
import { relativeTime } from "../common/format";
import type { Attachment } from "../../api/attachments";
import { AttachmentItem } from "./AttachmentList";

export function CommentThread({ comments, requester, attachments = [] }: { comments: Comment[]; requester: string; attachments?: Attachment[] }) {
  const users = useSelector((s) => s.users);
  const me = useSelector((s) => s.session.user);
  const staff = isStaffRole(me?.role);
  /** Customers cannot look staff up: their replies are signed by the support team. */
  const nameOf = (id: string) =>
    id === me?.id ? `${me.name} (you)` : staff ? users[id]?.name ?? (id === requester ? "Customer" : "Agent") : id === requester ? "You" : "Support team";
  if (comments.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No replies yet.</p>;
  return (
    <ol className="space-y-3" aria-label="Conversation" data-testid="comments">
      {comments.map((c) => {
        const name = nameOf(c.author);
        const internal = c.visibility === "internal";
        return (
          <li
            key={c.id}
            data-visibility={c.visibility}
            className={`flex gap-3 rounded-lg p-3 motion-safe:motion-preset-slide-up-sm ${internal ? "border border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950" : "bg-slate-50 dark:bg-slate-800/60"}`}
          >
            <Avatar id={c.author} name={name} />
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
                <span className="font-semibold">{name}</span>
                {internal && <span className="rounded bg-amber-200 px-1.5 text-xs font-semibold text-amber-950">Internal note</span>}
                <time className="text-xs text-slate-600 dark:text-slate-400" dateTime={new Date(c.createdAt).toISOString()}>{relativeTime(c.createdAt)}</time>
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words text-sm">{c.body}</p>
              {attachments.some((a) => a.comment === c.id) && (
                <ul className="mt-2 flex flex-wrap gap-3" aria-label="Attached files" data-testid="comment-attachments">
                  {attachments.filter((a) => a.comment === c.id).map((a) => (
                    <li key={a.id} className="max-w-full"><AttachmentItem a={a} /></li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
