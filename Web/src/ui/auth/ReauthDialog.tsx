// When the session ends mid-work, sign in again over the page: nothing on screen or unsent is lost.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { login } from "../../app/session";
import { ApiError } from "../../api/http";
import { useSelector } from "../../store/store";
import { btnPrimary, card, input, label } from "../common/ui";

export function ReauthDialog() {
  const user = useSelector((s) => s.session.user);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await login(user?.email ?? "", password);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Sign-in failed.");
    }
  };
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/60 p-4" role="dialog" aria-modal="true" aria-labelledby="reauth-title">
      <form onSubmit={submit} className={`${card} w-full max-w-sm space-y-4 p-6`}>
        <h2 id="reauth-title" className="text-lg font-semibold">Your session ended</h2>
        <p className="text-sm text-slate-700 dark:text-slate-300">Sign in again as {user?.email} to continue. Your unsaved work is kept on this page.</p>
        <div>
          <label htmlFor="reauth-password" className={label}>Password</label>
          <input ref={ref} id="reauth-password" type="password" autoComplete="current-password" className={`${input} mt-1`} value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
        <button className={`${btnPrimary} w-full`} type="submit">Sign in and continue</button>
      </form>
    </div>
  );
}
