// The visible connection state: offline / reconnecting (with a countdown) / refused by the server
// (with its reason) / back online.
import { useEffect, useRef, useState } from "react";
import { live } from "../live/liveClient";
import { useSelector } from "../store/store";
import { useNow } from "./common/useNow";

export function ConnectionBanner() {
  const conn = useSelector((s) => s.connection);
  const tickets = useSelector((s) => s.tickets);
  const unsaved = Object.values(tickets).reduce((n, t) => n + t.unsaved, 0);
  const now = useNow(500);
  const [showBack, setShowBack] = useState(false);
  const wasDown = useRef(false);

  const down = conn.state === "reconnecting" || conn.state === "refused" || conn.state === "offline";
  useEffect(() => {
    if (down) wasDown.current = true;
    if (conn.state === "open" && wasDown.current) {
      wasDown.current = false;
      setShowBack(true);
      const t = setTimeout(() => setShowBack(false), 2500);
      return () => clearTimeout(t);
    }
    return undefined;
  }, [conn.state, down]);

  if (!down && !showBack) return <div data-testid="connection-banner" data-state={conn.state} hidden />;
  const kept = unsaved > 0 ? ` ${unsaved} unsaved change${unsaved === 1 ? " is" : "s are"} kept and will be sent.` : " Your work is kept.";
  const text =
    conn.state === "refused"
      ? `${conn.refusal ?? "This server refused the connection from this address."} Changes cannot be sent until it accepts it.`
      : conn.state === "offline"
      ? `You are offline.${kept}`
      : conn.state === "reconnecting"
        ? `Connection lost. Reconnecting${conn.retryAt && conn.retryAt > now ? ` in ${Math.ceil((conn.retryAt - now) / 1000)} s` : "…"}.${kept}`
        : "Back online. Everything is saved.";
  return (
    <div
      data-testid="connection-banner"
      data-state={conn.state}
      role={conn.state === "refused" ? "alert" : "status"}
      aria-live={conn.state === "refused" ? "assertive" : "polite"}
      className={`sticky top-0 z-40 flex flex-wrap items-center justify-center gap-3 px-4 py-2 text-center text-sm font-medium motion-safe:motion-preset-slide-down-sm ${
        conn.state === "refused" ? "bg-red-700 text-white" : down ? "bg-amber-300 text-amber-950" : "bg-emerald-700 text-white"
      }`}
    >
      <span>{text}</span>
      {(conn.state === "reconnecting" || conn.state === "refused") && (
        <button type="button" onClick={() => live.retryNow()} className="rounded bg-amber-950 px-2 py-0.5 text-amber-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-950">
          Retry now
        </button>
      )}
    </div>
  );
}
