// The TypeScript half of the OT differential fuzz (Tests/TandemCoreTests/OTDifferentialTests.swift):
// reads the corpus of random cases the Swift side generated, with Swift's results, and reports
// every case where this client's OT disagrees. Exit status 1 on any disagreement.
//   node otCheck.js CORPUS.json
import { checkAll, type OTCases } from "../unit/otContract";

declare const require: (m: string) => { readFileSync(path: string, encoding: string): string };
declare const process: { argv: string[]; exitCode?: number };

const corpus = JSON.parse(require("fs").readFileSync(process.argv[2]!, "utf8")) as OTCases;
const { checked, failures } = checkAll(corpus);
for (const f of failures.slice(0, 20)) console.log(f);
console.log(`otCheck: ${checked - failures.length}/${checked} cases agree with Swift`);
if (failures.length > 0 || checked === 0) process.exitCode = 1;
