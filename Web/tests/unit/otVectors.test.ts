// The shared OT vectors (Tests/Vectors/ot/operations.json), which the Swift tests run too.
import vectors from "../../../Tests/Vectors/ot/operations.json";
import { checkCase, KINDS, type OTCases } from "./otContract";
import { ok, run, test } from "./harness";

const cases = vectors as unknown as OTCases;
for (const kind of KINDS) {
  const list = (cases[kind] ?? []) as Parameters<typeof checkCase>[1][];
  test(`${kind}: ${list.length} shared vectors`, () => {
    ok(list.length > 0, `no ${kind} vectors`);
    const failures = list.map((c) => checkCase(kind, c)).filter((f) => f !== null);
    if (failures.length > 0) throw new Error(failures.join("\n       "));
  });
}

run("otVectors");
