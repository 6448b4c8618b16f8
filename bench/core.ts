// `npm run bench:core`: online training (batch 1) samples/s of edgeprop's WASM SIMD path and TS
// reference path beside the plain C reference (bench/reference/mlp.c, gcc -O3 -march=native) and
// the JS peers (tfjs cpu backend, brain.js, synaptic) that install, in one run, with each figure's
// ratio to edgeprop (WASM) of the same precision. Also checks edgeprop against C's `verify`
// (1000 steps from identical weights and data) and measures the JS→WASM call overhead.
// Every JS implementation runs in its own child process; C runs as its own program.
// Options: --quick (shorter timing), --rounds=N (default 3), --no-peers, --no-c.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { cTrain, cVerify, compileReference, gccArgs, gccVersion } from "./impls/c-reference.ts";
import { edgepropVerify } from "./impls/edgeprop.ts";
import { PEER_PRECISION, PEERS } from "./impls/peers.ts";
import { DEFAULT_TIMING, type Timing } from "./measure.ts";
import { type Shape, shapeName } from "./reference/mlp-data.ts";
import { formatTable, type Row } from "./table.ts";

const args = new Set(process.argv.slice(2));
const timing: Timing = args.has("--quick") ? { warm: 0.2, repSeconds: 0.15, reps: 3 } : DEFAULT_TIMING;
const SHAPES: Shape[] = [
  { nin: 24, nhid: 16, nout: 2, softmax: false },
  { nin: 64, nhid: 32, nout: 8, softmax: false },
  { nin: 784, nhid: 100, nout: 10, softmax: true },
];
const PRECISIONS = ["f64", "f32"] as const;
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function child(script: string, argv: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ["--import", "tsx", here(script), ...argv], { encoding: "utf8" });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !last.startsWith("{")) {
    const why = (r.stderr.split("\n").find((l) => /Error/.test(l)) ?? `exit ${r.status}`).trim();
    return { error: why };
  }
  return JSON.parse(last) as Record<string, unknown>;
}

function runJs(impl: string, s: Shape, precision: string): number | string {
  const r = child("run-impl.ts", [impl, shapeName(s), s.softmax ? "softmax" : "sigmoid", precision, String(timing.warm), String(timing.repSeconds), String(timing.reps)]);
  return typeof r.median === "number" ? r.median : String(r.error);
}

/** Installs the peers from bench/peers/package-lock.json when they are not there yet. */
function ensurePeers(): string | null {
  if (existsSync(here("peers/node_modules"))) return null;
  console.log("installing the JS peers: npm ci --prefix bench/peers …");
  const r = spawnSync("npm", ["ci", "--prefix", here("peers"), "--no-audit", "--no-fund"], { encoding: "utf8", shell: process.platform === "win32" });
  return r.status === 0 ? null : `npm ci --prefix bench/peers failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`;
}

console.log(`edgeprop core benchmark — ${new Date().toISOString()}, Node ${process.version}, ${process.arch}`);
console.log(`online SGD, batch 1, lr 0.1, sigmoid hidden layer; outputs sigmoid + half-SSE (24-16-2, 64-32-8) or softmax + cross-entropy (784-100-10)`);
console.log(`timing as mlp.c: ${timing.warm} s warm-up, median of ${timing.reps} × ${timing.repSeconds} s; best of --rounds (default 3) interleaved rounds`);
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})\n`);

const gcc = args.has("--no-c") ? null : gccVersion();
if (args.has("--no-c")) console.log("C reference: skipped (--no-c)");
else if (!gcc) console.log("C reference: gcc not found — the C column is empty (install gcc to compare)");
else console.log(`C reference: bench/reference/mlp.c, ${gcc}: gcc ${gccArgs(SHAPES[0]!, "f64", "OUT").join(" ").replace(/ -o OUT .*$/, "")} … per shape`);

const peersNote: string | null = args.has("--no-peers") ? "skipped (--no-peers)" : ensurePeers();
if (peersNote) console.log(`JS peers: ${peersNote}`);
console.log("");

// Rounds: every implementation is measured once per round, rounds interleave them, and the best
// round counts: on a shared machine that is the figure least disturbed by other processes.
const rounds = Number([...args].find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const rows: Row[] = SHAPES.flatMap((s) => PRECISIONS.map((precision) => ({ shape: shapeName(s), precision, figures: {} }) as Row));
const keep = (row: Row, name: string, v: number | string): void => {
  const old = row.figures[name];
  if (typeof v === "number") row.figures[name] = typeof old === "number" ? Math.max(old, v) : v;
  else if (old === undefined) row.figures[name] = v;
};
const verifies: string[] = [];
const exes = new Map<string, string>();
for (let round = 0; round < rounds; round++) {
  let r = 0;
  for (const s of SHAPES) {
    for (const precision of PRECISIONS) {
      const row = rows[r++]!;
      if (gcc) {
        const key = `${shapeName(s)}-${precision}`;
        if (!exes.has(key)) {
          const exe = compileReference(s, precision);
          exes.set(key, exe);
          const c = cVerify(exe);
          for (const kernels of ["wasm-simd", "ts"] as const) {
            const e = edgepropVerify(s, precision, kernels);
            const dl = Math.abs(e.lossSum - c.lossSum) / Math.abs(c.lossSum);
            const dc = Math.abs(e.checksum - c.checksum) / Math.abs(c.checksum);
            verifies.push(
              `${shapeName(s).padEnd(10)} ${precision}  C                  lossSum ${c.lossSum.toPrecision(17)} checksum ${c.checksum.toPrecision(17)}\n` +
                `${"".padEnd(15)} edgeprop ${kernels.padEnd(9)} lossSum ${e.lossSum.toPrecision(17)} checksum ${e.checksum.toPrecision(17)}  (rel. diff ${dl.toExponential(1)}, ${dc.toExponential(1)})`,
            );
          }
        }
        keep(row, "C -O3", cTrain(exes.get(key)!, timing).median);
      }
      keep(row, "edgeprop WASM", runJs("edgeprop-wasm", s, precision));
      keep(row, "edgeprop TS", runJs("edgeprop-ts", s, precision));
      if (!peersNote) for (const p of PEERS) if (PEER_PRECISION[p] === precision) keep(row, p, runJs(p, s, precision));
      process.stdout.write(".");
    }
  }
}
process.stdout.write("\n\n");
console.log(formatTable(rows, "edgeprop WASM"));
console.log("");
if (verifies.length) {
  console.log("verify (1000 steps from mlp.c's weights and data; loss sum and weight checksum):");
  console.log(verifies.join("\n"));
  console.log("");
}
const overhead = child("call-overhead.ts", []);
if (typeof overhead.wasmEmptyCallNs === "number") {
  const f = (v: unknown): string => (v as number).toFixed(1);
  console.log(`JS→WASM call: empty export ${f(overhead.wasmEmptyCallNs)} ns, empty JS function ${f(overhead.jsEmptyCallNs)} ns, denseForward 2×2 ${f(overhead.wasmDense2x2Ns)} ns per call`);
  console.log(`24-16-2 f64 train step: ${f(overhead.trainWasmNs)} ns on the WASM kernels, ${f(overhead.trainNoopKernelsNs)} ns at most with kernels that do nothing (the network's TypeScript around them)`);
}
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("peers: tfjs & brain.js in float32 (f32 rows), synaptic in double (f64 rows), each with its own initial weights; brain.js and synaptic have sigmoid outputs only, synaptic's output delta omits the sigmoid derivative");
