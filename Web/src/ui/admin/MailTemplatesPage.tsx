// Admins change the wording of the e-mail Tandem sends (docs/EMAIL.md "Messages Tandem sends today").
import { useEffect, useState } from "react";
import { api, type MailTemplate } from "../../api/endpoints";
import { ApiError } from "../../api/http";
import { btnPrimary, btnSecondary, card, input, label } from "../common/ui";

const TITLES: Record<string, string> = {
  "signup.confirm": "Sign-up: confirm your address",
  "signup.existing": "Sign-up: you already have an account",
  "ticket.received": "Customer: ticket received",
  "ticket.reply": "Customer: public reply",
  "ticket.solved": "Customer: ticket solved",
  "agent.assigned": "Staff: ticket assigned",
  "agent.mention": "Staff: mentioned",
};

export function MailTemplatesPage() {
  const [templates, setTemplates] = useState<MailTemplate[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    api.mailTemplates().then(
      (t) => setTemplates(t.items),
      (e: unknown) => setError(e instanceof ApiError ? e.message : "Could not load the templates."),
    );
  }, []);

  return (
    <section aria-labelledby="mail-templates-title" className="space-y-4">
      <h1 id="mail-templates-title" className="text-xl font-semibold">E-mail templates</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Placeholders such as <code>{"{{subject}}"}</code> are filled in as text; in the HTML part they are escaped.
      </p>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
      {templates === null && !error && <p role="status" className="text-sm text-slate-600">Loading…</p>}
      {templates?.map((t) => (
        <TemplateEditor key={t.kind} template={t} onSaved={(next) => setTemplates((all) => all?.map((x) => (x.kind === next.kind ? next : x)) ?? null)} />
      ))}
    </section>
  );
}

function TemplateEditor({ template, onSaved }: { template: MailTemplate; onSaved: (t: MailTemplate) => void }) {
  const [subject, setSubject] = useState(template.subject);
  const [text, setText] = useState(template.text);
  const [html, setHtml] = useState(template.html);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const id = template.kind.replace(".", "-");

  const run = async (action: () => Promise<MailTemplate>, done: string) => {
    setBusy(true);
    try {
      const saved = await action();
      setSubject(saved.subject);
      setText(saved.text);
      setHtml(saved.html);
      onSaved(saved);
      setNote(done);
    } catch (e) {
      setNote(e instanceof ApiError ? e.message : "That did not work. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      data-testid={`template-${template.kind}`}
      aria-labelledby={`${id}-title`}
      className={`${card} space-y-3 p-4`}
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.setMailTemplate(template.kind, { subject, text, html }), "Saved.");
      }}
    >
      <h2 id={`${id}-title`} className="font-semibold">
        {TITLES[template.kind] ?? template.kind}{" "}
        <span className="text-xs font-normal text-slate-600 dark:text-slate-400">{template.custom ? "(changed)" : "(built-in)"}</span>
      </h2>
      <div>
        <label htmlFor={`${id}-subject`} className={label}>Subject</label>
        <input id={`${id}-subject`} className={`${input} mt-1`} value={subject} onChange={(e) => setSubject(e.target.value)} />
      </div>
      <div>
        <label htmlFor={`${id}-text`} className={label}>Plain text</label>
        <textarea id={`${id}-text`} rows={5} className={`${input} mt-1 font-mono`} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <div>
        <label htmlFor={`${id}-html`} className={label}>HTML</label>
        <textarea id={`${id}-html`} rows={5} className={`${input} mt-1 font-mono`} value={html} onChange={(e) => setHtml(e.target.value)} />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className={btnPrimary} disabled={busy}>Save</button>
        {template.custom && (
          <button type="button" className={btnSecondary} disabled={busy} onClick={() => void run(() => api.resetMailTemplate(template.kind), "Back to the built-in text.")}>
            Use the built-in text
          </button>
        )}
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">{note}</p>
      </div>
    </form>
  );
}
