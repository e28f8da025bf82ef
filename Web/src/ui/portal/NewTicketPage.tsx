// Opening a ticket: a validated form with messages next to the fields.
import { useState, type FormEvent } from "react";
import { api } from "../../api/endpoints";
import { ApiError } from "../../api/http";
import { navigate } from "../../app/router";
import { toast } from "../../store/store";
import { PRIORITIES, type Priority } from "../../protocol/types";
import { PRIORITY_LABEL } from "../common/format";
import { btnPrimary, card, input, label } from "../common/ui";
import { scalarLength } from "../../ot/unicode";
import { ticketRef } from "../common/useTicketRef";

type Errors = Partial<Record<"subject" | "description" | "form", string>>;

export function validateTicket(subject: string, description: string): Errors {
  const e: Errors = {};
  const s = subject.trim();
  if (!s) e.subject = "Give your ticket a short subject.";
  else if (scalarLength(s) > 200) e.subject = `Keep the subject under 200 characters (now ${scalarLength(s)}).`;
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(s)) e.subject = "The subject cannot contain control characters.";
  if (!description.trim()) e.description = "Describe the problem so we can help.";
  return e;
}

export function NewTicketPage() {
  const [subject, setSubject] = useState("");
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState<Priority>("normal");
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = validateTicket(subject, description);
    setErrors(e);
    if (Object.keys(e).length) {
      document.getElementById(e.subject ? "nt-subject" : "nt-description")?.focus();
      return;
    }
    setBusy(true);
    try {
      const t = await api.createTicket({ subject: subject.trim(), description, priority });
      toast("success", "Ticket opened. We will reply here.");
      navigate(`/portal/tickets/${ticketRef(t)}`);
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : "Could not open the ticket.";
      setErrors(err instanceof ApiError && (err.field === "subject" || err.field === "description") ? { [err.field]: msg } : { form: msg });
    } finally {
      setBusy(false);
    }
  };

  const err = (k: "subject" | "description") =>
    errors[k] ? <p id={`nt-${k}-err`} className="mt-1 text-sm text-red-700 dark:text-red-300">{errors[k]}</p> : null;

  return (
    <form onSubmit={submit} noValidate className={`${card} mx-auto max-w-2xl space-y-4 p-6`} aria-labelledby="nt-title">
      <h1 id="nt-title" className="text-xl font-semibold">Open a ticket</h1>
      <div>
        <label htmlFor="nt-subject" className={label}>Subject</label>
        <input id="nt-subject" className={`${input} mt-1`} value={subject} onChange={(e) => setSubject(e.target.value)} aria-invalid={!!errors.subject || undefined} aria-describedby={errors.subject ? "nt-subject-err" : undefined} />
        {err("subject")}
      </div>
      <div>
        <label htmlFor="nt-description" className={label}>What is happening?</label>
        <textarea id="nt-description" rows={6} className={`${input} mt-1`} value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={!!errors.description || undefined} aria-describedby={errors.description ? "nt-description-err" : undefined} />
        {err("description")}
      </div>
      <fieldset>
        <legend className={label}>How urgent is it?</legend>
        <div className="mt-1 flex flex-wrap gap-2">
          {PRIORITIES.map((p) => (
            <label key={p} className="inline-flex cursor-pointer items-center gap-1.5 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50 has-[:checked]:ring-indigo-600 dark:ring-slate-700 dark:has-[:checked]:bg-indigo-950">
              <input type="radio" name="priority" value={p} checked={priority === p} onChange={() => setPriority(p)} />
              {PRIORITY_LABEL[p]}
            </label>
          ))}
        </div>
      </fieldset>
      {errors.form && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{errors.form}</p>}
      <button type="submit" className={btnPrimary} disabled={busy}>{busy ? "Sending…" : "Open ticket"}</button>
    </form>
  );
}
