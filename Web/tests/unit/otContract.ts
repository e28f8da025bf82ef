// The text-OT contract shared with Sources/TandemCore/OT: one case of Tests/Vectors/ot/*.json (or of the
// Swift side's differential corpus) checked against this client's implementation.
import { apply, compose, normalize, transform, transformPosition, type TextOp } from "../../src/ot/textOperation";

export type Priority = "left" | "right";
export interface NormalizeCase { name?: string; op: unknown[]; result: TextOp | null }
export interface ApplyCase { name?: string; doc: string; op: TextOp; result: string | null }
export interface TransformCase { name?: string; doc: string; a: TextOp; b: TextOp; priority: Priority; aPrime: TextOp; bPrime: TextOp; result: string }
export interface ComposeCase { name?: string; doc: string; a: TextOp; b: TextOp; result: TextOp; text: string }
export interface PositionCase { name?: string; op: TextOp; position: number; isOwn: boolean; result: number }
export interface OTCases {
  normalize?: NormalizeCase[];
  apply?: ApplyCase[];
  transform?: TransformCase[];
  compose?: ComposeCase[];
  transformPosition?: PositionCase[];
}

const json = (v: unknown): string => JSON.stringify(v);
const refused = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/** What this implementation gets wrong in `c`, or null when it agrees. */
export function checkCase(kind: keyof OTCases, c: NormalizeCase | ApplyCase | TransformCase | ComposeCase | PositionCase): string | null {
  const differs = (what: string, got: unknown, want: unknown): string | null =>
    json(got) === json(want) ? null : `${kind} ${json(c.name ?? c)}: ${what} is ${json(got)}, the contract says ${json(want)}`;
  switch (kind) {
    case "normalize": {
      const n = c as NormalizeCase;
      return differs("normal form", refused(() => normalize(n.op as TextOp)), n.result);
    }
    case "apply": {
      const a = c as ApplyCase;
      return differs("result", refused(() => apply(a.doc, a.op)), a.result);
    }
    case "transform": {
      const t = c as TransformCase;
      const aPrime = transform(t.a, t.b, t.priority === "left");
      const bPrime = transform(t.b, t.a, t.priority === "right");
      return (
        differs("a′", aPrime, t.aPrime) ??
        differs("b′", bPrime, t.bPrime) ??
        differs("a then b′", apply(apply(t.doc, t.a), bPrime), t.result) ??
        differs("b then a′", apply(apply(t.doc, t.b), aPrime), t.result)
      );
    }
    case "compose": {
      const k = c as ComposeCase;
      const composed = compose(k.a, k.b);
      return differs("compose(a, b)", composed, k.result) ?? differs("its result", apply(k.doc, composed), k.text);
    }
    case "transformPosition": {
      const p = c as PositionCase;
      return differs("position", transformPosition(p.op, p.position, p.isOwn), p.result);
    }
  }
}

/** Every disagreement in a set of cases. */
export function checkAll(cases: OTCases): { checked: number; failures: string[] } {
  const failures: string[] = [];
  let checked = 0;
  for (const kind of ["normalize", "apply", "transform", "compose", "transformPosition"] as const) {
    for (const c of cases[kind] ?? []) {
      checked++;
      const failure = checkCase(kind, c);
      if (failure) failures.push(failure);
    }
  }
  return { checked, failures };
}
