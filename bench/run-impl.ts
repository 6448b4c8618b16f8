// Child process of bench/core.ts: measures ONE implementation on one shape and precision, so every
// library gets a fresh JIT and heap. Usage:
//   node --import tsx bench/run-impl.ts IMPL NIN-NHID-NOUT sigmoid|softmax f64|f32 warm repSeconds reps
// IMPL: edgeprop-wasm | edgeprop-ts | tfjs | brain.js | synaptic. Prints one JSON line last:
// {"median":…,"samplesPerSec":[…]} or {"error":"…"}.
import { edgepropStepper } from "./impls/edgeprop.ts";
import { loadPeer, PEERS, peerStepper, type Peer } from "./impls/peers.ts";
import { measure } from "./measure.ts";
import type { Shape } from "./reference/mlp-data.ts";

const [impl, shapeText, out, precision, warm, repSeconds, reps] = process.argv.slice(2);
const [nin, nhid, nout] = (shapeText ?? "").split("-").map(Number);
const shape: Shape = { nin: nin!, nhid: nhid!, nout: nout!, softmax: out === "softmax" };
const timing = { warm: Number(warm), repSeconds: Number(repSeconds), reps: Number(reps) };
const prec = precision === "f32" ? "f32" : "f64";

async function stepper(): Promise<((n: number) => void) | string> {
  if (impl === "edgeprop-wasm") return edgepropStepper(shape, prec, "wasm-simd");
  if (impl === "edgeprop-ts") return edgepropStepper(shape, prec, "ts");
  if ((PEERS as readonly string[]).includes(impl!)) {
    const loaded = loadPeer(impl as Peer);
    if ("error" in loaded) return `not installed (${loaded.error})`;
    return peerStepper(impl as Peer, loaded.lib, shape);
  }
  return `unknown implementation ${impl}`;
}

const run = await stepper();
if (typeof run === "string") {
  process.stdout.write(`${JSON.stringify({ error: run })}\n`);
} else {
  process.stdout.write(`${JSON.stringify(measure(run, timing))}\n`);
}
