// Who else has this ticket open: viewing, typing (with where), or idle.
import type { Presence } from "../../protocol/types";
import { Avatar } from "../common/Avatar";

const FIELD: Record<string, string> = { description: "the description", internalNotes: "internal notes", replyDraft: "the reply" };

export function PresenceBar({ presence, me }: { presence: Presence[]; me: string | null }) {
  const others = presence.filter((p) => p.connection !== me);
  if (others.length === 0) return <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="presence">Only you are here.</p>;
  return (
    <ul className="flex flex-wrap items-center gap-2" aria-label="People on this ticket" data-testid="presence">
      {others.map((p) => {
        const where = FIELD[p.field ?? ""];
        const what = p.state === "typing" ? `typing in ${where ?? "the ticket"}` : p.state === "idle" ? "idle" : where ? `in ${where}` : "viewing";
        return (
          <li key={p.connection} className="flex items-center gap-1.5 text-xs motion-safe:motion-preset-pop" data-state={p.state} data-name={p.name}>
            <Avatar id={p.user} name={p.name} size={26} dim={p.state === "idle"} ring={p.state === "typing" ? "ring-2 ring-offset-1 ring-blue-600 motion-safe:animate-pulse" : ""} />
            <span className="text-slate-700 dark:text-slate-300">
              <span className="font-medium">{p.name.split(" ")[0]}</span> <span className="text-slate-600 dark:text-slate-400">{what}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
