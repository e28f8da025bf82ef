// The shared reply draft (co-edited by every agent on the ticket) with @mentions and its public/internal mode,
// which is part of the ticket: everyone sees the same mode and who set it (docs/WEB.md).
import { useRef, useState, type KeyboardEvent } from "react";
import { live } from "../../live/liveClient";
import { useSelector } from "../../store/store";
import type { Presence, TicketView } from "../../protocol/types";
import { CollabText } from "./CollabText";
import { btnPrimary, btnSecondary, focusRing } from "../common/ui";
import { relativeTime } from "../common/format";
import { diff } from "../../ot/textOperation";
import { toScalar } from "../../ot/unicode";

interface Mention {
  query: string;
  start: number; // UTF-16 index of "@"
}

export function ReplyComposer({ t, presence }: { t: TicketView; presence: Presence[] }) {
  const teams = useSelector((s) => s.teams);
  const users = useSelector((s) => s.users);
  const me = useSelector((s) => s.session.user);
  const mode = t.draftMode ?? { visibility: "public" as const, internalAuthors: [] };
  const visibility = mode.visibility;
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const [mention, setMention] = useState<Mention | null>(null);
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const draft = t.replyDraft ?? "";

  const memberIds = t.team ? teams[t.team]?.members.map((m) => m.userId) ?? [] : Object.values(teams).flatMap((x) => x.members.map((m) => m.userId));
  const people = [...new Set(memberIds)].map((id) => users[id]).filter((u): u is NonNullable<typeof u> => !!u);
  const matches = mention ? people.filter((u) => u.name.toLowerCase().includes(mention.query.toLowerCase())).slice(0, 6) : [];

  const onCaret = (value: string, caret: number) => {
    const before = value.slice(0, caret);
    const m = before.match(/(^|\s)@([\p{L}\p{N}'-]{0,30})$/u);
    setMention(m ? { query: m[2]!, start: caret - m[2]!.length - 1 } : null);
    setActive(0);
  };

  const pick = (name: string) => {
    const el = area.current;
    if (!el || !mention) return;
    const next = el.value.slice(0, mention.start) + `@${name} ` + el.value.slice(el.selectionEnd);
    const caret = mention.start + name.length + 2;
    live.editText(t.id, "replyDraft", diff(el.value, next, toScalar(next, caret)));
    setMention(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention && matches.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((a) => (a + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(matches[active]!.name);
        return;
      }
      if (e.key === "Escape") return setMention(null);
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    }
  };

  const nameOf = (id: string) => (id === me?.id ? "you" : users[id]?.name ?? "a colleague");

  /** Sending publicly what others wrote as an internal note asks first (the server insists too). */
  const send = (confirmed = false) => {
    if (!draft.trim()) return;
    const others = mode.internalAuthors.filter((id) => id !== me?.id);
    if (visibility === "public" && others.length > 0 && !confirmed) {
      setConfirming(others.map(nameOf));
      return;
    }
    setConfirming(null);
    const mentions = people.filter((u) => draft.includes(`@${u.name}`)).map((u) => u.id);
    live.comment(t.id, { visibility, fromDraft: true, mentions, ...(confirmed ? { confirmInternal: true } : {}) });
  };

  const listId = `${t.id}-mentions`;
  return (
    <section aria-labelledby="reply-heading" className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="reply-heading" className="text-sm font-semibold">Shared reply draft</h3>
        <div role="radiogroup" aria-label="Who sees this" className="inline-flex rounded-md ring-1 ring-slate-300 dark:ring-slate-700">
          {(["public", "internal"] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              aria-checked={visibility === v}
              data-testid={`visibility-${v}`}
              onClick={() => v !== visibility && live.setField(t.id, "draftMode", v)}
              className={`px-3 py-1 text-xs font-semibold first:rounded-l-md last:rounded-r-md ${focusRing} ${visibility === v ? (v === "public" ? "bg-indigo-700 text-white" : "bg-amber-600 text-white") : "text-slate-700 dark:text-slate-300"}`}
            >
              {v === "public" ? "Public reply" : "Internal note"}
            </button>
          ))}
        </div>
      </div>
      {mode.setBy && (
        <p data-testid="draft-mode-by" className="text-xs text-slate-700 dark:text-slate-300">
          {visibility === "public" ? "Public reply" : "Internal note"} — set by {nameOf(mode.setBy)}
          {mode.setAt !== undefined && <> · <time dateTime={new Date(mode.setAt).toISOString()}>{relativeTime(mode.setAt)}</time></>}
        </p>
      )}
      <div className="relative">
        <CollabText
          ticketId={t.id}
          field="replyDraft"
          text={draft}
          label="Shared reply draft"
          presence={presence}
          placeholder="Write a reply together… type @ to mention a colleague"
          minRows={4}
          testId="reply-draft"
          areaRef={area}
          onKeyDown={onKeyDown}
          onCaret={onCaret}
        />
        {mention && matches.length > 0 && (
          <ul id={listId} role="listbox" aria-label="Mention a colleague" className="absolute z-20 mt-1 w-64 rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
            {matches.map((u, i) => (
              <li key={u.id} role="option" aria-selected={i === active}>
                <button type="button" onMouseDown={(e) => { e.preventDefault(); pick(u.name); }} className={`w-full px-3 py-1.5 text-left text-sm ${i === active ? "bg-indigo-700 text-white" : ""}`}>
                  {u.name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="flex items-center justify-between gap-2">
        <p className="text-xs text-slate-600 dark:text-slate-400">Ctrl+Enter sends. Everyone on the ticket edits this draft together.</p>
        <button type="button" data-testid="send-reply" className={`${btnPrimary} shrink-0 whitespace-nowrap`} disabled={!draft.trim() || t.status === "closed"} onClick={() => send()}>
          {visibility === "public" ? "Send reply" : "Add internal note"}
        </button>
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="confirm-internal-title" data-testid="confirm-internal-send" className="space-y-2 rounded-lg border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p id="confirm-internal-title" className="font-semibold">Send internal text to the customer?</p>
          <p>{confirming.join(", ")} wrote part of this draft while it was an internal note. The customer will see all of it.</p>
          <div className="flex gap-2">
            <button type="button" data-testid="confirm-send" className={btnPrimary} onClick={() => send(true)}>Send to the customer</button>
            <button type="button" data-testid="cancel-send" className={btnSecondary} autoFocus onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
    </section>
  );
}
