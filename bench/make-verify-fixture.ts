// Regenerates test/core/fixtures/mlp-verify.json: the C reference's `verify` output (1000 online
// SGD steps from mlp.c's weights and data: loss sum and weight checksum) for every benchmark shape
// and precision, with the exact gcc command and version, so the core's test can compare edgeprop
// against C without needing gcc.   Usage: npx tsx bench/make-verify-fixture.ts
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileReference, cVerify, gccArgs, gccVersion } from "./impls/c-reference.ts";
import { type Shape, shapeName } from "./reference/mlp-data.ts";

const SHAPES: Shape[] = [
  { nin: 24, nhid: 16, nout: 2, softmax: false },
  { nin: 64, nhid: 32, nout: 8, softmax: false },
  { nin: 784, nhid: 100, nout: 10, softmax: true },
];

const gcc = gccVersion();
if (!gcc) throw new Error("gcc is needed to regenerate the fixture");
const cases = [];
for (const s of SHAPES) {
  for (const precision of ["f64", "f32"] as const) {
    const exe = compileReference(s, precision);
    const command = ["gcc", ...gccArgs(s, precision, "mlp")].join(" ").replace(/ \S*mlp\.c /, " bench/reference/mlp.c ");
    cases.push({ shape: shapeName(s), softmax: s.softmax, precision, command, run: "./mlp verify", ...cVerify(exe) });
  }
}
const fixture = {
  about: "Output of bench/reference/mlp.c in MODE verify (1000 online SGD steps, lr 0.1, from its seeded weights and data), written by bench/make-verify-fixture.ts",
  gcc,
  machine: execFileSync("uname", ["-m"], { encoding: "utf8" }).trim(),
  generated: new Date().toISOString().slice(0, 10),
  cases,
};
const target = fileURLToPath(new URL("../test/core/fixtures/mlp-verify.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${target}`);
