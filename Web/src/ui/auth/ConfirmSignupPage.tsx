// The page a sign-up's e-mailed link opens: the link's holder chooses the password and is signed in.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api/endpoints";
import { ApiError } from "../../api/http";
import { confirmSignup } from "../../app/session";
import { navigate } from "../../app/router";
import { Link } from "../common/Link";
import { btnPrimary, card, input, label } from "../common/ui";

/** The password rules of docs/API.md "Validation rules", for instant feedback (the server checks again). */
export function validatePassword(password: string): string | undefined {
  if (password.length < 12) return "Use at least 12 characters.";
  if (new TextEncoder().encode(password).length > 72) return "Use at most 72 bytes.";
  if (new Set(password).size < 4) return "Use at least 4 different characters.";
  return undefined;
}

/** The token travels in the fragment (`#token=…`): browsers never send it to a server or in a Referer. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
}

type Link_ = { state: "checking" } | { state: "ready"; email: string; name: string } | { state: "refused"; message: string; code: string };

export function ConfirmSignupPage() {
  const [token] = useState(() => tokenFromHash(location.hash));
  const [link, setLink] = useState<Link_>({ state: "checking" });
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.checkSignup(token).then(
      (l) => live && setLink({ state: "ready", email: l.email, name: l.name }),
      (e: unknown) =>
        live &&
        setLink({
          state: "refused",
          code: e instanceof ApiError ? e.code : "",
          message: e instanceof ApiError ? e.message : "This link could not be checked. Reload the page to try again.",
        }),
    );
    return () => {
      live = false;
    };
  }, [token]);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const problem = validatePassword(password);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await confirmSignup(token, password);
      history.replaceState(null, "", "/portal"); // the link leaves the address bar and the history
      navigate("/portal", true);
    } catch (err) {
      if (err instanceof ApiError && err.field === "token") setLink({ state: "refused", code: err.code, message: err.message });
      else setError(err instanceof ApiError ? err.message : "That did not work. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-center text-3xl font-bold tracking-tight">Tandem</h1>
      {link.state === "checking" && <p role="status" className="mt-8 text-center text-slate-600 dark:text-slate-400">Checking your link…</p>}
      {link.state === "refused" && (
        <section className={`${card} mt-8 space-y-4 p-6`} aria-labelledby="confirm-refused-title">
          <h2 id="confirm-refused-title" className="text-lg font-semibold">This link cannot be used</h2>
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">{link.message}</p>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {link.code === "signup_token_used" ? (
              <Link href="/login" className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Sign in</Link>
            ) : (
              <Link href="/signup" className="font-semibold text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Sign up again</Link>
            )}
          </p>
        </section>
      )}
      {link.state === "ready" && (
        <form onSubmit={submit} className={`${card} mt-8 space-y-4 p-6`} noValidate>
          <h2 className="text-lg font-semibold">Choose your password</h2>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Welcome, {link.name}. Your e-mail address <strong className="break-all">{link.email}</strong> is confirmed.
          </p>
          <input type="email" autoComplete="username" value={link.email} readOnly hidden />
          <div>
            <label htmlFor="cs-password" className={label}>Password</label>
            <input
              id="cs-password"
              type="password"
              autoComplete="new-password"
              className={`${input} mt-1 ${error ? "ring-red-600" : ""}`}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "cs-password-err" : "cs-password-hint"}
            />
            {!error && <p id="cs-password-hint" className="mt-1 text-xs text-slate-600 dark:text-slate-400">At least 12 characters, not your name or e-mail.</p>}
            {error && <p id="cs-password-err" className="mt-1 text-sm text-red-700 dark:text-red-300">{error}</p>}
          </div>
          <button type="submit" className={`${btnPrimary} w-full`} disabled={busy}>{busy ? "Creating…" : "Create account"}</button>
        </form>
      )}
    </main>
  );
}
