// Tandem web client: placeholder until the web-client issue lands the live workspace.
import { StrictMode, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";

const reducedMotionQuery = "(prefers-reduced-motion: reduce)";

function subscribeReducedMotion(onChange: () => void): () => void {
  const media = window.matchMedia(reducedMotionQuery);
  media.addEventListener("change", onChange);
  return () => media.removeEventListener("change", onChange);
}

/** True when the user asked the system for less motion; follows changes live. */
function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribeReducedMotion,
    () => window.matchMedia(reducedMotionQuery).matches,
    () => false,
  );
}

const links = [
  { href: "/api/v1/openapi.json", label: "API description (OpenAPI)" },
  { href: "/healthz", label: "Health check" },
];

function App() {
  const reducedMotion = usePrefersReducedMotion();
  const enter = reducedMotion ? undefined : "motion-safe:motion-preset-slide-up-sm";

  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center gap-6 px-6 py-16">
      <header className={enter}>
        <h1 className="text-4xl font-semibold tracking-tight">Tandem</h1>
        <p className="mt-2 text-lg text-slate-600 dark:text-slate-400">Real-time support desk</p>
      </header>
      <p className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        The live workspace arrives with the web-client issue. Until then, the server is up and its API is
        described below.
      </p>
      <nav aria-label="Server endpoints">
        <ul className="flex flex-col gap-2">
          {links.map((link) => (
            <li key={link.href}>
              <a
                className="font-medium text-indigo-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
                href={link.href}
              >
                {link.label}
              </a>{" "}
              <code className="text-sm text-slate-500">{link.href}</code>
            </li>
          ))}
        </ul>
      </nav>
    </main>
  );
}

const container = document.getElementById("root");
if (container === null) {
  throw new Error("Tandem: #root element missing from index.html");
}
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
