// Unicode scalars vs UTF-16: the protocol counts scalars (code points), the DOM counts UTF-16 units.

/** True for the first half of a surrogate pair. */
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Number of Unicode scalars in `s`. */
export function scalarLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; n++) i += isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
  return n;
}

/** UTF-16 index → scalar position (an index inside a pair counts as after it). */
export function toScalar(s: string, utf16Index: number): number {
  let n = 0;
  const end = Math.min(utf16Index, s.length);
  for (let i = 0; i < end; n++) i += isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
  return n;
}

/** Scalar position → UTF-16 index. */
export function toUtf16(s: string, scalarPos: number): number {
  let i = 0;
  for (let n = 0; n < scalarPos && i < s.length; n++) i += isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
  return i;
}

/** The scalars of `s` from `start` (inclusive) to `end` (exclusive), as a string. */
export function sliceScalars(s: string, start: number, end?: number): string {
  const a = toUtf16(s, start);
  const b = end === undefined ? s.length : toUtf16(s, end);
  return s.slice(a, b);
}
