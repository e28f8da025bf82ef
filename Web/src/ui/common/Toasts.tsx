// Transient messages, announced to screen readers.
import { dispatch, useSelector } from "../../store/store";

export function Toasts() {
  const toasts = useSelector((s) => s.toasts);
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4" aria-live="polite" role="status">
      {toasts.map((t) => (
        <div
          key={t.id}
          data-testid="toast"
          className={`pointer-events-auto flex max-w-md items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg motion-safe:motion-preset-slide-up-sm ${
            t.kind === "error" ? "bg-red-800 text-white" : t.kind === "success" ? "bg-emerald-800 text-white" : "bg-slate-800 text-white"
          }`}
        >
          <span className="flex-1">{t.text}</span>
          <button
            type="button"
            className="rounded px-1 font-semibold underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-white"
            onClick={() => dispatch({ type: "toast/dismiss", id: t.id })}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
