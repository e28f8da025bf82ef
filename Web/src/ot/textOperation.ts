// TextOperation over Unicode scalars, mirroring Sources/TandemCore/OT (same JSON, same normal form).
import { scalarLength, sliceScalars } from "./unicode";

/** A wire component: retain n, insert text, or {d: n} delete. */
export type Component = number | string | { d: number };
/** A text operation in its JSON form, e.g. `[3, "ab", {"d": 2}]`. */
export type TextOp = Component[];

export const isRetain = (c: Component): c is number => typeof c === "number";
export const isInsert = (c: Component): c is string => typeof c === "string";
export const isDelete = (c: Component): c is { d: number } => typeof c === "object";

/** Builds operations in normal form: merged neighbours, insert before delete, no trailing retain. */
export class OpBuilder {
  private ops: TextOp = [];
  private pendingRetain = 0;

  retain(n: number): this {
    if (n > 0) this.pendingRetain += n;
    return this;
  }

  insert(text: string): this {
    if (text === "") return this;
    this.flush();
    const last = this.ops.length - 1;
    const prev = this.ops[last];
    if (prev !== undefined && isInsert(prev)) this.ops[last] = prev + text;
    else if (prev !== undefined && isDelete(prev)) {
      const before = this.ops[last - 1];
      if (before !== undefined && isInsert(before)) this.ops[last - 1] = before + text;
      else this.ops.splice(last, 0, text);
    } else this.ops.push(text);
    return this;
  }

  delete(n: number): this {
    if (n <= 0) return this;
    this.flush();
    const last = this.ops.length - 1;
    const prev = this.ops[last];
    if (prev !== undefined && isDelete(prev)) this.ops[last] = { d: prev.d + n };
    else this.ops.push({ d: n });
    return this;
  }

  append(c: Component): this {
    if (isRetain(c)) return this.retain(c);
    if (isInsert(c)) return this.insert(c);
    return this.delete(c.d);
  }

  /** The operation; a trailing retain is dropped. */
  build(): TextOp {
    return this.ops;
  }

  private flush(): void {
    if (this.pendingRetain === 0) return;
    const last = this.ops.length - 1;
    const prev = this.ops[last];
    if (prev !== undefined && isRetain(prev)) this.ops[last] = prev + this.pendingRetain;
    else this.ops.push(this.pendingRetain);
    this.pendingRetain = 0;
  }
}

/** Puts any operation into normal form; throws on zero-length or malformed components. */
export function normalize(op: TextOp): TextOp {
  const b = new OpBuilder();
  for (const c of op) {
    // Exactly the three wire forms, as the server decodes them: a number, a string, or {"d": N} alone.
    const shape = typeof c === "number" || typeof c === "string" || (typeof c === "object" && c !== null && Object.keys(c).join() === "d");
    if (!shape) throw new Error(`invalid component ${JSON.stringify(c)}`);
    if (isRetain(c) && !(Number.isInteger(c) && c > 0)) throw new Error(`invalid retain ${c}`);
    if (isInsert(c) && c === "") throw new Error("empty insert");
    if (isDelete(c) && !(Number.isInteger(c.d) && c.d > 0)) throw new Error(`invalid delete ${JSON.stringify(c)}`);
    b.append(c);
  }
  return b.build();
}

/** Scalars the operation reads: retains + deletes. */
export function baseLength(op: TextOp): number {
  let n = 0;
  for (const c of op) n += isRetain(c) ? c : isDelete(c) ? c.d : 0;
  return n;
}

/** True when the operation changes nothing. */
export const isNoop = (op: TextOp): boolean => normalize(op).every(isRetain);

/** Applies `op` to `text`; throws when the text is shorter than the base length. */
export function apply(text: string, op: TextOp): string {
  const scalars = Array.from(text);
  if (scalars.length < baseLength(op)) throw new Error(`operation needs ${baseLength(op)} scalars, text has ${scalars.length}`);
  const out: string[] = [];
  let i = 0;
  for (const c of op) {
    if (isRetain(c)) {
      for (let k = 0; k < c; k++) out.push(scalars[i++]!);
    } else if (isInsert(c)) out.push(c);
    else i += c.d;
  }
  for (; i < scalars.length; i++) out.push(scalars[i]!);
  return out.join("");
}

/** Walks an operation component by component, splitting pieces on demand (past the end: endless retain). */
class Reader {
  private i = 0;
  current: Component | undefined;
  constructor(private readonly op: TextOp) {
    this.next();
  }
  next(): void {
    this.current = this.op[this.i++];
  }
  get length(): number {
    const c = this.current;
    if (c === undefined) return Infinity;
    return isRetain(c) ? c : isInsert(c) ? scalarLength(c) : c.d;
  }
  take(n: number): Component {
    const c = this.current;
    if (c === undefined) return n;
    const len = this.length;
    if (n >= len) {
      this.next();
      return c;
    }
    if (isRetain(c)) {
      this.current = c - n;
      return n;
    }
    if (isDelete(c)) {
      this.current = { d: c.d - n };
      return { d: n };
    }
    this.current = sliceScalars(c, n);
    return sliceScalars(c, 0, n);
  }
}

/** `a` rewritten to apply after the concurrent `b`; with `aHasPriority` a's inserts go first at equal positions. */
export function transform(a: TextOp, b: TextOp, aHasPriority: boolean): TextOp {
  const A = new Reader(a);
  const B = new Reader(b);
  const out = new OpBuilder();
  while (A.current !== undefined) {
    const ac = A.current;
    if (isInsert(ac) && (aHasPriority || B.current === undefined || !isInsert(B.current))) {
      out.insert(ac);
      A.next();
      continue;
    }
    if (B.current !== undefined && isInsert(B.current)) {
      out.retain(scalarLength(B.current));
      B.next();
      continue;
    }
    const n = Math.min(A.length, B.length);
    const x = A.take(n);
    const y = B.take(n);
    if (isRetain(x) && isRetain(y)) out.retain(n);
    else if (isDelete(x) && isRetain(y)) out.delete(n);
  }
  return out.build();
}

/** One operation with the effect of `a` then `b`. */
export function compose(a: TextOp, b: TextOp): TextOp {
  const A = new Reader(a);
  const B = new Reader(b);
  const out = new OpBuilder();
  while (A.current !== undefined || B.current !== undefined) {
    if (A.current !== undefined && isDelete(A.current)) {
      out.append(A.take(A.length));
      continue;
    }
    if (B.current !== undefined && isInsert(B.current)) {
      out.append(B.take(B.length));
      continue;
    }
    if (A.current === undefined) {
      out.append(B.take(B.length)); // b retains/deletes past a's end: the implicit retain of a
      continue;
    }
    if (B.current === undefined) {
      out.append(A.take(A.length));
      continue;
    }
    const n = Math.min(A.length, B.length);
    const x = A.take(n);
    const y = B.take(n);
    if (isDelete(y)) {
      if (isRetain(x)) out.delete(n); // b deletes what a kept; an insert of a deleted by b vanishes
    } else out.append(x); // y is a retain: keep a's piece
  }
  return out.build();
}

/** Where scalar position `pos` lands after `op`; an insert at the caret pushes it only when `isOwn`. */
export function transformPosition(op: TextOp, pos: number, isOwn: boolean): number {
  let old = 0;
  let now = 0;
  for (const c of op) {
    if (isRetain(c)) {
      if (pos - old < c) break;
      old += c;
      now += c;
    } else if (isInsert(c)) {
      if (old < pos || (old === pos && isOwn)) now += scalarLength(c);
      else break;
    } else {
      if (pos - old < c.d) return now;
      old += c.d;
    }
  }
  return now + Math.max(0, pos - old);
}

/**
 * Where scalar position `pos` of the text *after* `op` was before it: the inverse of
 * `transformPosition` for the author's own caret. A position inside (or at the end of) an
 * inserted run maps to where the insert happened; applying `op` again with `isOwn` moves it
 * back past the insert.
 */
export function positionBefore(op: TextOp, pos: number): number {
  let old = 0;
  let now = 0;
  for (const c of op) {
    if (isRetain(c)) {
      if (pos - now <= c) return old + (pos - now);
      old += c;
      now += c;
    } else if (isInsert(c)) {
      const n = scalarLength(c);
      if (pos - now <= n) return old;
      now += n;
    } else {
      old += c.d;
    }
  }
  return old + Math.max(0, pos - now);
}

/**
 * The smallest operation turning `before` into `after` (common prefix and suffix kept), in scalars.
 * `caret` (scalar position in `after`, optional) places an ambiguous edit ("a" typed into "aa") where the user made it.
 */
export function diff(before: string, after: string, caret?: number): TextOp {
  const a = Array.from(before);
  const b = Array.from(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  if (caret !== undefined) start = Math.max(0, Math.min(start, caret - Math.max(0, b.length - a.length)));
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return new OpBuilder().retain(start).insert(b.slice(start, endB).join("")).delete(endA - start).build();
}
