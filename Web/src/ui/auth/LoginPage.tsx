// Sign-in page for everyone (staff and customers).
import { useState, type FormEvent } from "react";
import { login } from "../../app/session";
import { navigate } from "../../app/router";
import { ApiError } from "../../api/http";
import { Link } from "../common/Link";
import { btnPrimary, card, input, label } from "../common/ui";
import { isStaffRole } from "../../protocol/types";

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing = [!email.trim() && "your e-mail address", !password && "your password"].filter(Boolean);
    if (missing.length) {
      setError(`Enter ${missing.join(" and ")}.`);
      document.getElementById(email.trim() ? "password" : "email")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await login(email, password);
      // A deep link (e.g. /tickets/…) stays where it was; otherwise go to the person's home.
      if (["/", "/login", "/signup"].includes(location.pathname)) navigate(isStaffRole(user.role) ? "/queue" : "/portal", true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Sign-in failed. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-center text-3xl font-bold tracking-tight">Tandem</h1>
      <p className="mt-1 text-center text-slate-600 dark:text-slate-400">The support desk that works together, live.</p>
      <form onSubmit={submit} className={`${card} mt-8 space-y-4 p-6 motion-safe:motion-preset-fade`} noValidate aria-describedby={error ? "login-error" : undefined}>
        <h2 className="text-lg font-semibold">Sign in</h2>
        <div>
          <label htmlFor="email" className={label}>E-mail</label>
          <input id="email" name="email" type="email" autoComplete="username" required className={`${input} mt-1`} value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div>
          <label htmlFor="password" className={label}>Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required className={`${input} mt-1`} value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && (
          <p id="login-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        )}
        <button type="submit" className={`${btnPrimary} w-full`} disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="text-center text-sm text-slate-600 dark:text-slate-400">
          Need help with something? <Link href="/signup" className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Create an account</Link>
        </p>
      </form>
    </main>
  );
}
