// A small horizontal bar chart (SVG-free: accessible list of bars with values as text).
import { Link } from "../common/Link";

export interface Bar {
  /** Unique among the bars (labels may repeat, e.g. names still loading). */
  key: string;
  label: string;
  value: number;
  color: string;
  href?: string;
  testId?: string;
}

export function Bars({ bars, title }: { bars: Bar[]; title: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure>
      <figcaption className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{title}</figcaption>
      {bars.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">None.</p>}
      <ul className="space-y-1.5">
        {bars.map((b) => {
          const row = (
            <>
              <span className="w-24 shrink-0 truncate text-xs">{b.label}</span>
              <span className="relative h-4 flex-1 rounded bg-slate-100 dark:bg-slate-800" aria-hidden="true">
                <span className="absolute inset-y-0 left-0 rounded transition-[width] duration-500" style={{ width: `${(b.value / max) * 100}%`, background: b.color }} />
              </span>
              <span className="w-8 text-right text-xs font-semibold tabular-nums" data-testid={b.testId}>{b.value}</span>
            </>
          );
          return (
            <li key={b.key} data-bar={b.key}>
              {b.href ? (
                <Link href={b.href} className="flex items-center gap-2 rounded hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800" aria-label={`${b.label}: ${b.value}. Show these tickets`}>
                  {row}
                </Link>
              ) : (
                <div className="flex items-center gap-2">{row}</div>
              )}
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
