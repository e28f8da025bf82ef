// Placeholders in the shape of what is loading: rows that pulse (still under reduced motion: no pulse).

/** `rows` grey rows shaped like list items, announced once as `label`. */
export function SkeletonRows({ rows, label, testId }: { rows: number; label: string; testId: string }) {
  return (
    <div role="status" aria-label={label} data-testid={testId} className="space-y-1.5 motion-safe:animate-pulse">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} aria-hidden="true" className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
          <div className="h-4 w-3/4 rounded bg-slate-200 dark:bg-slate-800" />
          <div className="h-3 w-1/2 rounded bg-slate-200 dark:bg-slate-800" />
        </div>
      ))}
    </div>
  );
}
