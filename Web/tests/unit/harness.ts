// A tiny test harness for node (no test framework in Debian's node packages we can rely on).
declare const process: { exitCode?: number };

const tests: [string, () => void | Promise<void>][] = [];
/** A test; an async one is awaited before the next starts. */
export const test = (name: string, fn: () => void | Promise<void>): void => void tests.push([name, fn]);

export function eq<T>(actual: T, expected: T, what = ""): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what ? what + ": " : ""}expected ${e}, got ${a}`);
}

export function ok(cond: unknown, what: string): void {
  if (!cond) throw new Error(what);
}

/** A seeded PRNG (mulberry32), so property tests are repeatable. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function run(suite: string): Promise<void> {
  let failed = 0;
  for (const [name, fn] of tests) {
    try {
      await fn();
      console.log(`  ok   ${suite}: ${name}`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${suite}: ${name}\n       ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${suite}: ${tests.length - failed}/${tests.length} passed`);
  if (failed) process.exitCode = 1;
}
