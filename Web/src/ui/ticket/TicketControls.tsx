// Status, priority, team, assignee and tags: each change is one live operation everyone sees at once.
import { useState, type FormEvent } from "react";
import { live } from "../../live/liveClient";
import { useSelector } from "../../store/store";
import { PRIORITIES, type TicketView } from "../../protocol/types";
import { PRIORITY_LABEL, STATUS_LABEL, nextStatuses } from "../common/format";
import { focusRing, input, label } from "../common/ui";

export function TicketControls({ t }: { t: TicketView }) {
  const teams = useSelector((s) => s.teams);
  const users = useSelector((s) => s.users);
  const [tag, setTag] = useState("");
  const closed = t.status === "closed";
  const team = t.team ? teams[t.team] : undefined;
  const assignable = team ? team.members.map((m) => m.userId) : Object.values(teams).flatMap((x) => x.members.map((m) => m.userId));
  const candidates = [...new Set([...assignable, ...(t.assignee ? [t.assignee] : [])])];

  const addTag = (e: FormEvent) => {
    e.preventDefault();
    const v = tag.trim().toLowerCase();
    if (v) live.setTags(t.id, [v], []);
    setTag("");
  };
  const select = `${input} mt-1 py-1.5`;
  return (
    <div className="grid grid-cols-2 gap-3" data-testid="controls">
      <div>
        <label className={label} htmlFor="ctl-status">Status</label>
        <select id="ctl-status" data-testid="status-select" className={select} value={t.status} disabled={closed} onChange={(e) => live.setField(t.id, "status", e.target.value)}>
          {nextStatuses(t.status).map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
        </select>
      </div>
      <div>
        <label className={label} htmlFor="ctl-priority">Priority</label>
        <select id="ctl-priority" className={select} value={t.priority} disabled={closed} onChange={(e) => live.setField(t.id, "priority", e.target.value)}>
          {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
        </select>
      </div>
      <div className="col-span-2">
        <label className={label} htmlFor="ctl-team">Team</label>
        <select id="ctl-team" className={select} value={t.team ?? ""} disabled={closed} onChange={(e) => live.setField(t.id, "team", e.target.value || null)}>
          <option value="">Triage (no team)</option>
          {Object.values(teams).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
        </select>
      </div>
      <div className="col-span-2">
        <label className={label} htmlFor="ctl-assignee">Assignee</label>
        <select id="ctl-assignee" data-testid="assignee-select" className={select} value={t.assignee ?? ""} disabled={closed} onChange={(e) => live.setField(t.id, "assignee", e.target.value || null)}>
          <option value="">Unassigned</option>
          {candidates.map((id) => <option key={id} value={id}>{users[id]?.name ?? id}</option>)}
        </select>
      </div>
      <div className="col-span-2">
        <span className={label} id="tags-label">Tags</span>
        <ul className="mt-1 flex flex-wrap gap-1.5" aria-labelledby="tags-label">
          {(t.tags ?? []).map((x) => (
            <li key={x} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pl-2 pr-1 text-xs font-medium text-slate-800 motion-safe:motion-preset-pop dark:bg-slate-800 dark:text-slate-200">
              {x}
              <button type="button" disabled={closed} aria-label={`Remove tag ${x}`} onClick={() => live.setTags(t.id, [], [x])} className={`rounded-full px-1 hover:bg-slate-300 dark:hover:bg-slate-700 ${focusRing}`}>×</button>
            </li>
          ))}
        </ul>
        <form onSubmit={addTag} className="mt-2 flex gap-2">
          <label htmlFor="ctl-tag" className="sr-only">Add a tag</label>
          <input id="ctl-tag" className={`${input} py-1.5`} placeholder="Add a tag" value={tag} disabled={closed} onChange={(e) => setTag(e.target.value)} />
        </form>
      </div>
    </div>
  );
}
