// The shared text-OT vectors (Tests/Vectors/ot/text-operations.json), which the Swift tests run too.
import vectors from "../../../Tests/Vectors/ot/text-operations.json";
import { checkCase, type OTCases } from "./otContract";
import { ok, run, test } from "./harness";

const cases = vectors as unknown as OTCases;
for (const kind of ["normalize", "apply", "transform", "compose", "transformPosition"] as const) {
  test(`${kind}: ${cases[kind]?.length ?? 0} shared vectors`, () => {
    ok((cases[kind]?.length ?? 0) > 0, `no ${kind} vectors`);
    const failures = (cases[kind] ?? []).map((c) => checkCase(kind, c)).filter((f) => f !== null);
    if (failures.length > 0) throw new Error(failures.join("\n       "));
  });
}

run("otVectors");
