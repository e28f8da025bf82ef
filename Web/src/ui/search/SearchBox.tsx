// Search everywhere: a dialog opened from the header, `/` or Ctrl+K; results as you type, ↑/↓ and Enter.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { navigate } from "../../app/router";
import { ApiError } from "../../api/http";
import { StatusBadge } from "../common/Badges";
import { focusRing, input } from "../common/ui";
import { ticketRef } from "../common/useTicketRef";
import { searchTickets, type SearchHit } from "./searchTickets";

const DEBOUNCE_MS = 200;

/** Whether a key press is meant for a text field (where `/` is a character, not a shortcut). */
const typingIn = (el: Element | null) =>
  !!el && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement).isContentEditable);

export function SearchBox({ staff }: { staff: boolean }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const ctrlK = (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k";
      const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typingIn(document.activeElement);
      if (ctrlK || slash) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  return (
    <>
      <button
        ref={opener}
        type="button"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="/ Control+K"
        data-testid="search-open"
        className={`flex items-center gap-2 whitespace-nowrap rounded-md px-2 py-1.5 text-sm text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-100 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800 ${focusRing}`}
      >
        <span>Search</span>
        <kbd className="hidden rounded bg-slate-100 px-1.5 text-xs text-slate-700 sm:inline dark:bg-slate-800 dark:text-slate-300">/</kbd>
      </button>
      {open && <SearchDialog staff={staff} onClose={close} />}
    </>
  );
}

function SearchDialog({ staff, onClose }: { staff: boolean; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>([]);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);

  useEffect(() => {
    if (!query.trim()) {
      setHits([]);
      setError(null);
      return;
    }
    let current = true;
    setHits(null);
    const timer = setTimeout(() => {
      searchTickets(query, staff).then(
        (found) => {
          if (!current) return;
          setHits(found);
          setError(null);
          setActive(0);
        },
        (e: unknown) => {
          if (!current) return;
          setHits([]);
          setError(e instanceof ApiError ? e.message : "Search failed. Try again.");
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, staff]);

  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    onClose();
    navigate(`${staff ? "/tickets" : "/portal/tickets"}/${ticketRef(hit.ticket)}`);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = hits?.length ?? 0;
    if (e.key === "ArrowDown" && n) (e.preventDefault(), setActive((a) => (a + 1) % n));
    else if (e.key === "ArrowUp" && n) (e.preventDefault(), setActive((a) => (a - 1 + n) % n));
    else if (e.key === "Enter") (e.preventDefault(), go(hits?.[active]));
    else if (e.key === "Escape") (e.preventDefault(), onClose());
  };

  const optionId = (i: number) => `search-hit-${i}`;
  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center bg-slate-900/40 px-2 pt-16 sm:pt-24" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div role="dialog" aria-modal="true" aria-label="Search tickets" data-testid="search" className="w-full max-w-xl rounded-xl bg-white p-3 shadow-xl dark:bg-slate-900">
        <label htmlFor="search-input" className="sr-only">Search tickets</label>
        <input
          id="search-input"
          ref={field}
          role="combobox"
          aria-expanded={!!hits?.length}
          aria-controls="search-results"
          aria-activedescendant={hits?.length ? optionId(active) : undefined}
          aria-autocomplete="list"
          autoComplete="off"
          className={input}
          placeholder={staff ? "Number, words, customer, or tag:name" : "Number or words"}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
        />
        <p className="sr-only" aria-live="polite">
          {hits === null ? "Searching" : query.trim() ? `${hits.length} results` : ""}
        </p>
        {error && <p role="alert" className="mt-2 text-sm text-red-800 dark:text-red-200">{error}</p>}
        <ul id="search-results" role="listbox" aria-label="Results" className="mt-2 max-h-96 overflow-auto" data-testid="search-results">
          {hits?.map((h, i) => (
            <li
              key={h.ticket.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              data-testid="search-hit"
              data-number={h.ticket.number}
              onMouseDown={(e) => (e.preventDefault(), go(h))}
              onMouseEnter={() => setActive(i)}
              className={`flex cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-sm ${i === active ? "bg-indigo-50 text-indigo-950 dark:bg-indigo-950 dark:text-indigo-50" : ""}`}
            >
              <span className="shrink-0 tabular-nums text-slate-600 dark:text-slate-400">#{h.ticket.number}</span>
              <span className="min-w-0 flex-1 truncate font-medium">{h.ticket.subject}</span>
              <span className="hidden shrink-0 text-xs text-slate-600 sm:inline dark:text-slate-400">{h.why}</span>
              <StatusBadge status={h.ticket.status} />
            </li>
          ))}
          {hits !== null && query.trim() && !error && hits.length === 0 && (
            <li className="px-2 py-3 text-sm text-slate-600 dark:text-slate-400" data-testid="search-empty">No ticket matches “{query.trim()}”.</li>
          )}
          {hits === null && <li className="px-2 py-3 text-sm text-slate-600 dark:text-slate-400" aria-hidden="true">Searching…</li>}
        </ul>
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">↑ ↓ to choose · Enter to open · Esc to close</p>
      </div>
    </div>
  );
}
