// The OT contract (text and tag operations) shared with Sources/TandemCore/OT: one case of Tests/Vectors/ot/*.json (or of the
// Swift side's differential corpus) checked against this client's implementation.
import { applyTags, yieldTags, type TagChange } from "../../src/ot/tagOperation";
import { apply, compose, normalize, transform, transformPosition, type TextOp } from "../../src/ot/textOperation";

export type Priority = "left" | "right";
export interface NormalizeCase { name?: string; op: unknown[]; result: TextOp | null }
export interface ApplyCase { name?: string; doc: string; op: TextOp; result: string | null }
export interface TransformCase { name?: string; doc: string; a: TextOp; b: TextOp; priority: Priority; aPrime: TextOp; bPrime: TextOp; result: string }
export interface ComposeCase { name?: string; doc: string; a: TextOp; b: TextOp; result: TextOp; text: string }
export interface PositionCase { name?: string; op: TextOp; position: number; isOwn: boolean; result: number }
export interface TagApplyCase { name?: string; tags: string[]; op: TagChange; result: string[] }
export interface TagTransformCase { name?: string; tags: string[]; a: TagChange; b: TagChange; priority: Priority; aPrime: TagChange; bPrime: TagChange; result: string[] }
export interface OTCases {
  normalize?: NormalizeCase[];
  apply?: ApplyCase[];
  transform?: TransformCase[];
  compose?: ComposeCase[];
  transformPosition?: PositionCase[];
  tagApply?: TagApplyCase[];
  tagTransform?: TagTransformCase[];
}

export const KINDS = ["normalize", "apply", "transform", "compose", "transformPosition", "tagApply", "tagTransform"] as const;
type AnyCase = NormalizeCase | ApplyCase | TransformCase | ComposeCase | PositionCase | TagApplyCase | TagTransformCase;
/** A tag change with its lists sorted and its keys in one order (JSON comparison is order-sensitive). */
const sorted = (c: TagChange): TagChange => ({ add: [...c.add].sort(), remove: [...c.remove].sort() });

const json = (v: unknown): string => JSON.stringify(v);
const refused = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/** What this implementation gets wrong in `c`, or null when it agrees. */
export function checkCase(kind: keyof OTCases, c: AnyCase): string | null {
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
    case "tagApply": {
      const t = c as TagApplyCase;
      return differs("tags", applyTags(t.tags, t.op), [...t.result].sort());
    }
    case "tagTransform": {
      const t = c as TagTransformCase;
      const aPrime = t.priority === "left" ? yieldTags(t.a, t.b) : t.a;
      const bPrime = t.priority === "right" ? yieldTags(t.b, t.a) : t.b;
      return (
        differs("a′", sorted(aPrime), sorted(t.aPrime)) ??
        differs("b′", sorted(bPrime), sorted(t.bPrime)) ??
        differs("a then b′", applyTags(applyTags(t.tags, t.a), bPrime), [...t.result].sort()) ??
        differs("b then a′", applyTags(applyTags(t.tags, t.b), aPrime), [...t.result].sort())
      );
    }
  }
}

/** Every disagreement in a set of cases. */
export function checkAll(cases: OTCases): { checked: number; failures: string[] } {
  const failures: string[] = [];
  let checked = 0;
  for (const kind of KINDS) {
    for (const c of (cases[kind] ?? []) as AnyCase[]) {
      checked++;
      const failure = checkCase(kind, c);
      if (failure) failures.push(failure);
    }
  }
  return { checked, failures };
}
