// Customer sign-up with the server's validation rules checked as you type.
import { useState, type FormEvent } from "react";
import { signup } from "../../app/session";
import { ApiError } from "../../api/http";
import { Link } from "../common/Link";
import { btnPrimary, card, input, label } from "../common/ui";
import { scalarLength } from "../../ot/unicode";

type Errors = Partial<Record<"name" | "email" | "form", string>>;

/** The rules of docs/API.md "Validation rules", for instant feedback (the server checks again). */
export function validateSignup(name: string, email: string): Errors {
  const e: Errors = {};
  if (!name.trim()) e.name = "Enter your name.";
  else if (scalarLength(name.trim()) > 120) e.name = "Use at most 120 characters.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) e.email = "Enter a valid e-mail address, like name@example.com.";
  return e;
}

/** Sign-up asks for a name and an address; the password is chosen from the e-mailed link
 *  (ConfirmSignupPage), so that nobody can open an account on an address they do not read. */
export function SignupPage() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = validateSignup(name, email);
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      await signup(email, name);
      setSentTo(email.trim());
    } catch (err) {
      if (err instanceof ApiError) {
        const f = err.field === "email" || err.field === "name" ? err.field : "form";
        setErrors({ [f]: err.message });
      } else setErrors({ form: "Sign-up failed. Try again." });
    } finally {
      setBusy(false);
    }
  };

  if (sentTo !== null) return <CheckYourEmail address={sentTo} onRetry={() => setSentTo(null)} />;

  const field = (id: "name" | "email", text: string, type: string, value: string, set: (v: string) => void, auto: string, hint?: string) => (
    <div>
      <label htmlFor={`su-${id}`} className={label}>{text}</label>
      <input
        id={`su-${id}`}
        type={type}
        autoComplete={auto}
        className={`${input} mt-1 ${errors[id] ? "ring-red-600" : ""}`}
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-invalid={errors[id] ? true : undefined}
        aria-describedby={errors[id] ? `su-${id}-err` : hint ? `su-${id}-hint` : undefined}
      />
      {hint && !errors[id] && <p id={`su-${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">{hint}</p>}
      {errors[id] && <p id={`su-${id}-err`} className="mt-1 text-sm text-red-700 dark:text-red-300">{errors[id]}</p>}
    </div>
  );

  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-center text-3xl font-bold tracking-tight">Tandem</h1>
      <form onSubmit={submit} className={`${card} mt-8 space-y-4 p-6`} noValidate>
        <h2 className="text-lg font-semibold">Create your account</h2>
        {field("name", "Your name", "text", name, setName, "name")}
        {field("email", "E-mail", "email", email, setEmail, "email")}
        {errors.form && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{errors.form}</p>}
        <button type="submit" className={`${btnPrimary} w-full`} disabled={busy}>{busy ? "Sending…" : "Create account"}</button>
        <p className="text-center text-sm text-slate-600 dark:text-slate-400">
          Already have one? <Link href="/login" className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Sign in</Link>
        </p>
      </form>
    </main>
  );
}

/** What every sign-up shows next, whether the address was new or already had an account. */
function CheckYourEmail({ address, onRetry }: { address: string; onRetry: () => void }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-center text-3xl font-bold tracking-tight">Tandem</h1>
      <section className={`${card} mt-8 space-y-4 p-6`} aria-labelledby="check-email-title">
        <h2 id="check-email-title" className="text-lg font-semibold">Check your e-mail</h2>
        <p role="status" data-testid="check-email" className="text-sm text-slate-700 dark:text-slate-300">
          We sent a message to <strong className="break-all">{address}</strong>. Open the link in it to choose your password
          and finish. The link works once, for a day.
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Nothing arrived after a few minutes? Look in your spam folder, or{" "}
          <button type="button" onClick={onRetry} className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            try another address
          </button>
          .
        </p>
        <p className="text-center text-sm text-slate-600 dark:text-slate-400">
          Already have an account? <Link href="/login" className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Sign in</Link>
        </p>
      </section>
    </main>
  );
}
