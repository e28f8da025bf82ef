// A textarea co-edited live: local edits become scalar text operations; remote edits keep your caret
// in place; other people's carets and selections are drawn over the text, labelled by name and colour.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { diff, transformPosition } from "../../ot/textOperation";
import { toScalar, toUtf16 } from "../../ot/unicode";
import { live } from "../../live/liveClient";
import type { Presence, TextField } from "../../protocol/types";
import { colorFor } from "../common/format";
import { input } from "../common/ui";

interface Props {
  ticketId: string;
  field: TextField;
  text: string;
  label: string;
  presence: Presence[];
  placeholder?: string;
  minRows?: number;
  testId?: string;
  readOnly?: boolean;
  areaRef?: RefObject<HTMLTextAreaElement>;
  onKeyDown?: (e: KeyboardEvent<HTMLTextAreaElement>) => void;
  onCaret?: (value: string, caretUtf16: number) => void;
}

interface Mark {
  at: number; // UTF-16 index in the local text
  end: number;
  head: number;
  name: string;
  color: string;
  key: string;
}

export function CollabText({ ticketId, field, text, label, presence, placeholder, minRows = 3, testId, readOnly, areaRef, onKeyDown, onCaret }: Props) {
  const [value, setValue] = useState(text);
  const shown = useRef(text); // what the textarea shows; ahead of `text` by at most one render
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = areaRef ?? ownRef;
  const restore = useRef<[number, number] | null>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>();

  // The engine's document is the truth (the store catches up a microtask later). When it differs from
  // what the textarea shows, a remote edit arrived: show it and keep the local caret where it was.
  const docText = live.peek(ticketId)?.doc?.[field];
  if (typeof docText === "string") text = docText;
  if (text !== shown.current) {
    const el = ref.current;
    if (el && document.activeElement === el) {
      const op = diff(shown.current, text);
      const a = transformPosition(op, toScalar(shown.current, el.selectionStart), false);
      const b = transformPosition(op, toScalar(shown.current, el.selectionEnd), false);
      restore.current = [toUtf16(text, a), toUtf16(text, b)];
    }
    shown.current = text;
    if (value !== text) setValue(text);
  }

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (restore.current) {
      el.setSelectionRange(restore.current[0], restore.current[1]);
      restore.current = null;
    }
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight + 2}px`;
  });

  // The server drops a caret (and "typing") 4 s after the last presence message (PROTOCOL.md §6.4), so that a
  // client that died stops showing: while this field has the focus, the caret is renewed every 3 s.
  const caretKeeper = useRef<ReturnType<typeof setInterval>>();
  const keepCaret = (on: boolean) => {
    clearInterval(caretKeeper.current);
    caretKeeper.current = on ? setInterval(() => sendPresence(false), 3000) : undefined;
  };
  useEffect(() => () => {
    clearTimeout(typingTimer.current);
    clearInterval(caretKeeper.current);
  }, []);

  const lastInput = useRef(0);
  const sendPresence = (typing: boolean) => {
    const el = ref.current;
    if (!el) return;
    typing = typing || Date.now() - lastInput.current < 2400;
    const selection = { anchor: toScalar(el.value, el.selectionStart), head: toScalar(el.value, el.selectionEnd) };
    if (el.selectionDirection === "backward") [selection.anchor, selection.head] = [selection.head, selection.anchor];
    live.presence(ticketId, { state: typing ? "typing" : "viewing", field, selection });
    onCaret?.(el.value, el.selectionEnd);
  };

  const onInput = (next: string, el: HTMLTextAreaElement) => {
    if ((el as HTMLTextAreaElement & { _composing?: boolean })._composing) {
      setValue(next);
      return;
    }
    const op = diff(shown.current, next, toScalar(next, el.selectionEnd));
    shown.current = next;
    setValue(next);
    live.editText(ticketId, field, op);
    lastInput.current = Date.now();
    sendPresence(true);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => sendPresence(false), 2500);
  };

  const doc = live.peek(ticketId);
  const marks: Mark[] = [];
  for (const p of presence) {
    if (p.field !== field || !p.selection || !doc) continue;
    const sel = doc.displaySelection(p);
    if (!sel) continue;
    const a = toUtf16(value, Math.min(sel.anchor, sel.head));
    const b = toUtf16(value, Math.max(sel.anchor, sel.head));
    marks.push({ at: a, end: b, head: toUtf16(value, sel.head), name: p.name, color: colorFor(p.user), key: p.connection });
  }
  const editors = [...new Set(presence.filter((p) => p.field === field).map((p) => p.name))];
  const hintId = `${ticketId}-${field}-editors`;

  return (
    <div className="relative">
      <label htmlFor={`${ticketId}-${field}`} className="sr-only">{label}</label>
      <textarea
        id={`${ticketId}-${field}`}
        ref={ref}
        data-testid={testId}
        value={value}
        readOnly={readOnly}
        rows={minRows}
        placeholder={placeholder}
        aria-describedby={editors.length ? hintId : undefined}
        spellCheck
        className={`${input} relative resize-none overflow-hidden font-[inherit] leading-6`}
        onChange={(e) => onInput(e.target.value, e.target)}
        onCompositionStart={(e) => ((e.currentTarget as HTMLTextAreaElement & { _composing?: boolean })._composing = true)}
        onCompositionEnd={(e) => {
          const el = e.currentTarget as HTMLTextAreaElement & { _composing?: boolean };
          el._composing = false;
          onInput(el.value, el);
        }}
        onSelect={() => sendPresence(false)}
        onFocus={() => {
          sendPresence(false);
          keepCaret(true);
        }}
        onBlur={() => {
          keepCaret(false);
          live.presence(ticketId, { state: "viewing" });
        }}
        onKeyDown={onKeyDown}
      />
      {marks.length > 0 && <Overlay text={value} marks={marks} />}
      {editors.length > 0 && (
        <p id={hintId} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          Also here: {editors.join(", ")}
        </p>
      )}
    </div>
  );
}

/** The text, invisible, with selections highlighted and carets drawn; laid out exactly like the textarea. */
function Overlay({ text, marks }: { text: string; marks: Mark[] }) {
  const cuts = [...new Set([0, text.length, ...marks.flatMap((m) => [m.at, m.end, m.head])])].filter((x) => x <= text.length).sort((a, b) => a - b);
  const parts: ReactNode[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const at = cuts[i]!;
    for (const m of marks.filter((m) => m.head === at)) {
      parts.push(
        <span key={`c-${m.key}`} data-testid="remote-caret" data-name={m.name} data-offset={at} className="relative inline-block h-6 w-0 align-top" style={{ borderLeft: `2px solid ${m.color}`, marginLeft: -1, marginRight: -1 }}>
          <span className="absolute -top-4 left-0 whitespace-nowrap rounded px-1 text-[10px] font-semibold leading-4 text-white motion-safe:motion-preset-fade" style={{ background: m.color }}>
            {m.name}
          </span>
        </span>,
      );
    }
    const next = cuts[i + 1];
    if (next === undefined) break;
    const cover = marks.find((m) => m.at <= at && m.end >= next && m.end > m.at);
    parts.push(
      <span key={`t-${at}`} style={cover ? { background: `${cover.color}33` } : undefined}>
        {text.slice(at, next)}
      </span>,
    );
  }
  return (
    <div aria-hidden="true" className="pointer-events-none absolute inset-x-0 top-0 whitespace-pre-wrap break-words px-3 py-2 text-sm leading-6 text-transparent ring-1 ring-transparent">
      {parts}
      {"\u200b"}
    </div>
  );
}
