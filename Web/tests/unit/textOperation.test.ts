// Unit and property tests of the client's text OT (must agree with Sources/TandemCore/OT).
import { apply, compose, diff, normalize, positionBefore, transform, transformPosition, type TextOp } from "../../src/ot/textOperation";
import { scalarLength, toScalar, toUtf16 } from "../../src/ot/unicode";
import { eq, ok, rng, run, test } from "./harness";

test("apply: PROTOCOL.md §5.5 examples", () => {
  eq(apply("Hello", ["Hi, "]), "Hi, Hello");
  eq(apply("Hello", [5, " world"]), "Hello world");
  eq(apply("Hello", [1, { d: 4 }, "i"]), "Hi");
  eq(apply("Hello", [{ d: 5 }]), "");
  eq(apply("Hello", []), "Hello");
});

test("apply counts Unicode scalars, not UTF-16 units", () => {
  const s = "Hi 👋 there";
  eq(s.length, 11);
  eq(scalarLength(s), 10);
  eq(apply(s, [4, "!"]), "Hi 👋! there");
  eq(apply(s, [3, { d: 1 }]), "Hi  there");
  eq(apply(s, [10, " 👍"]), "Hi 👋 there 👍");
  eq(scalarLength("👨‍👩‍👧"), 5); // family: 3 emoji + 2 ZWJ
  eq(scalarLength("🇩🇪"), 2); // a flag: two regional indicators
  eq(scalarLength("e\u0301"), 2); // combining acute accent
  eq(apply("陈伟é", [2, { d: 1 }, "e\u0301"]), "陈伟e\u0301");
});

test("apply refuses an operation longer than the text", () => {
  let threw = false;
  try {
    apply("ab", [3, "x"]);
  } catch {
    threw = true;
  }
  ok(threw, "should throw");
});

test("UTF-16 ↔ scalar conversion", () => {
  const s = "a👋b🇩🇪c";
  eq(toScalar(s, 0), 0);
  eq(toScalar(s, 3), 2); // after the wave
  eq(toUtf16(s, 2), 3);
  eq(toUtf16(s, 3), 4);
  eq(toUtf16(s, 99), s.length);
});

test("normalize: merge, insert before delete, drop trailing retain", () => {
  eq(normalize([1, 2, "a", "b", { d: 1 }, { d: 2 }, 3]), [3, "ab", { d: 3 }]);
  eq(normalize([2, { d: 1 }, "x"]), [2, "x", { d: 1 }]);
  eq(normalize([5]), []);
});

test("transform: concurrent inserts at one position, priority decides order", () => {
  const a: TextOp = [5, " world"];
  const b: TextOp = [5, "!"];
  eq(transform(a, b, true), [5, " world"]);
  eq(transform(b, a, false), [11, "!"]);
  eq(apply(apply("Hello", a), transform(b, a, false)), "Hello world!");
});

test("transform: overlapping deletes are not repeated", () => {
  const a: TextOp = [1, { d: 3 }];
  const b: TextOp = [2, { d: 3 }];
  const doc = "abcdefg";
  eq(apply(apply(doc, a), transform(b, a, false)), apply(apply(doc, b), transform(a, b, true)));
  eq(apply(apply(doc, a), transform(b, a, false)), "afg");
});

test("transform: emoji inserts and deletes stay whole", () => {
  const doc = "👋🌍";
  const a: TextOp = [1, "🎉"];
  const b: TextOp = [{ d: 1 }];
  const left = apply(apply(doc, a), transform(b, a, false));
  const right = apply(apply(doc, b), transform(a, b, true));
  eq(left, right);
  eq(left, "🎉🌍");
});

/** A random operation on `doc` with emoji, CJK and combining marks in its inserts. */
function randomOp(doc: string, r: () => number): TextOp {
  const alphabet = ["a", "b", "é", "e\u0301", "陈", "👋", "🇩🇪", "👨‍👩‍👧", " ", "\n"];
  const len = scalarLength(doc);
  const out: TextOp = [];
  let pos = 0;
  while (pos < len) {
    const k = r();
    const n = 1 + Math.floor(r() * Math.min(4, len - pos));
    if (k < 0.5) out.push(n), (pos += n);
    else if (k < 0.75) out.push({ d: n }), (pos += n);
    else out.push(alphabet[Math.floor(r() * alphabet.length)]!);
  }
  if (r() < 0.5) out.push(alphabet[Math.floor(r() * alphabet.length)]!);
  return normalize(out);
}

test("property: transform converges (TP1) on 3,000 random pairs", () => {
  const r = rng(42);
  for (let i = 0; i < 3000; i++) {
    const doc = apply("", [Array.from({ length: Math.floor(r() * 12) }, () => (r() < 0.3 ? "👋" : "x")).join("") || "z"]);
    const a = randomOp(doc, r);
    const b = randomOp(doc, r);
    const left = apply(apply(doc, a), transform(b, a, false));
    const right = apply(apply(doc, b), transform(a, b, true));
    if (left !== right) throw new Error(`diverged on ${JSON.stringify({ doc, a, b, left, right })}`);
  }
});

test("property: compose(a, b) equals a then b", () => {
  const r = rng(7);
  for (let i = 0; i < 2000; i++) {
    const doc = "ab👋cd陈ef".slice(0, Math.floor(r() * 10));
    const a = randomOp(doc, r);
    const mid = apply(doc, a);
    const b = randomOp(mid, r);
    eq(apply(doc, compose(a, b)), apply(mid, b), JSON.stringify({ doc, a, b }));
  }
});

test("property: diff(a, b) turns a into b, with the caret hint placing the edit", () => {
  const r = rng(9);
  for (let i = 0; i < 1000; i++) {
    const a = "x👋y陈z".slice(0, Math.floor(r() * 8));
    const b = apply(a, randomOp(a, r));
    eq(apply(a, diff(a, b)), b);
  }
  eq(diff("aa", "aaa", 2), [1, "a"]); // caret after the typed "a"
  eq(diff("aa", "aaa", 1), ["a"]);
  eq(diff("aa", "aaa"), [2, "a"]);
});

test("transformPosition: own inserts push the caret, others' do not", () => {
  eq(transformPosition([3, "ab"], 3, true), 5);
  eq(transformPosition([3, "ab"], 3, false), 3);
  eq(transformPosition([1, { d: 3 }], 2, false), 1);
  eq(transformPosition(["👋"], 0, false), 0);
  eq(transformPosition(["👋"], 1, false), 2);
});


test("positionBefore: inverse of the author's own transformPosition, emoji counted as one scalar", () => {
  const op = [2, "👍ab", { d: 1 }, 3];
  // After "xy👍abz12" ← "xyQz12": inside or at the end of the insert → the insert point.
  eq([0, 1, 2, 3, 4, 5].map((p) => positionBefore(op, p)), [0, 1, 2, 2, 2, 2]);
  eq([6, 7, 8].map((p) => positionBefore(op, p)), [4, 5, 6]);
  for (const p of [0, 1, 2, 3, 4, 5, 6]) {
    const back = positionBefore(op, transformPosition(op, p, true));
    ok(back === p || (p === 3 && back === 2), `round trip of ${p} gave ${back}`);
  }
});

run("textOperation");
