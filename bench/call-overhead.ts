// What one JS→WebAssembly call costs on this host, to know what batch-1 training can reach:
// an empty exported function taking 7 i32 (the shape of denseForward's arguments) called in a
// tight loop, beside an empty JS function of the same arity and a real 2×2 denseForward; and one
// 24-16-2 train step with kernels that do nothing (the network's own TypeScript: staging, guards,
// loss) beside the same step on the WASM kernels.
// Run by bench/core.ts in its own process; prints one JSON line of nanoseconds per call.
import wabt from "wabt";
import { createNetwork, registerKernelProvider, type Kernels } from "../src/core/index.ts";
import { createWasmKernels } from "../src/core/kernels/wasm/provider.ts";
import { sampleViews } from "./impls/edgeprop.ts";

const WAT = `(module (func (export "nop7") (param i32 i32 i32 i32 i32 i32 i32)))`;
const w = await wabt();
const mod = w.parseWat("nop.wat", WAT, {});
const bytes = mod.toBinary({}).buffer;
mod.destroy();
const nop7 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.nop7 as (...a: number[]) => void;

let sink = 0;
function jsNop7(a: number, b: number, c: number, d: number, e: number, f: number, g: number): void {
  sink += a + b + c + d + e + f + g === -1 ? 1 : 0;
}

const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
const k = createWasmKernels(memory, "f64")!;

function nsPerCall(body: (n: number) => void, n = 5_000_000): number {
  body(n); // warm up, let the optimizing tier take over
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    body(n);
    runs.push(((performance.now() - t0) * 1e6) / n);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const noop = (): void => {};
const nullKernels: Kernels = {
  denseForward: noop,
  denseGrad: noop,
  denseBackInput: noop,
  sgdStep: noop,
  adamStep: noop,
  activationForward: noop,
  activationBackward: noop,
  softmaxForward: noop,
  sumSquares: noop,
  scale: noop,
};
registerKernelProvider({ name: "no-op", create: () => nullKernels });
const shape = { nin: 24, nhid: 16, nout: 2, softmax: false };
const { xs, ts } = sampleViews(shape);
function trainNs(kernels: string): number {
  const net = createNetwork({
    inputs: 24,
    layers: [{ units: 16, activation: "sigmoid" }, { units: 2, activation: "sigmoid" }],
    loss: "half-sse",
    optimizer: { type: "sgd", learningRate: 0.1 },
    kernels,
  });
  return nsPerCall((n) => {
    for (let i = 0; i < n; i++) net.train(xs[i & 255]!, ts[i & 255]!);
  }, 500_000);
}

// WASM first: its figure is the product's; the no-op run after it meets call sites already
// optimised for the WASM kernels, so it is an upper bound of the TypeScript's share.
const trainWasmNs = trainNs("wasm-simd");
const result = {
  trainWasmNs,
  trainNoopKernelsNs: trainNs("no-op"),
  wasmEmptyCallNs: nsPerCall((n) => {
    for (let i = 0; i < n; i++) nop7(i, 1, 2, 3, 4, 5, 6);
  }),
  jsEmptyCallNs: nsPerCall((n) => {
    for (let i = 0; i < n; i++) jsNop7(i, 1, 2, 3, 4, 5, 6);
  }),
  wasmDense2x2Ns: nsPerCall((n) => {
    for (let i = 0; i < n; i++) k.denseForward(0, 8, 12, 16, 2, 2, 1);
  }),
};
process.stdout.write(`${JSON.stringify({ ...result, sink })}\n`);
