// The signed-in user's notification e-mail preference (docs/API.md "Notification e-mail").
import { useEffect, useState } from "react";
import { api, type MailPreference } from "../api/endpoints";
import { ApiError } from "../api/http";
import { focusRing, label } from "./common/ui";

const CHOICES: { value: MailPreference; text: string }[] = [
  { value: "immediately", text: "Each one, as it happens" },
  { value: "digest", text: "A digest" },
  { value: "off", text: "None" },
];

export function MailPreferenceMenu() {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState<MailPreference | null>(null);
  const [note, setNote] = useState<string>("");

  useEffect(() => {
    if (!open || value !== null) return;
    api.mailPreference().then(
      (p) => setValue(p.notifications),
      () => setNote("Could not load your e-mail settings."),
    );
  }, [open, value]);

  const choose = async (next: MailPreference) => {
    const before = value;
    setValue(next);
    setNote("Saving…");
    try {
      const saved = await api.setMailPreference(next);
      setValue(saved.notifications);
      setNote("Saved.");
    } catch (e) {
      setValue(before);
      setNote(e instanceof ApiError ? e.message : "Could not save. Try again.");
    }
  };

  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="mail-preference-panel"
        onClick={() => setOpen(!open)}
        className={`whitespace-nowrap rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800 ${focusRing}`}
      >
        E-mail
      </button>
      {open && (
        <div
          id="mail-preference-panel"
          className="absolute right-0 z-40 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <label htmlFor="mail-preference" className={label}>Notification e-mail</label>
          <select
            id="mail-preference"
            data-testid="mail-preference"
            className={`mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800 ${focusRing}`}
            value={value ?? ""}
            disabled={value === null}
            onChange={(e) => void choose(e.target.value as MailPreference)}
          >
            {value === null && <option value="">Loading…</option>}
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>{c.text}</option>
            ))}
          </select>
          <p role="status" className="mt-2 text-xs text-slate-600 dark:text-slate-400">{note}</p>
        </div>
      )}
    </div>
  );
}
