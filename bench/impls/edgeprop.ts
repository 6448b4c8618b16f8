// edgeprop on the C reference's problem: the same network, data and initial weights as
// bench/reference/mlp.c (sigmoid hidden layer; sigmoid + half-SSE or softmax + cross-entropy
// outputs; plain SGD, lr 0.1, batch 1), with the WASM SIMD kernels or the TS reference kernels.
import { createNetwork, type Network } from "../../src/core/index.ts";
import "../../src/core/kernels/wasm/register.ts";
import { checksum, initWeights, makeData, SAMPLES, type Shape } from "../reference/mlp-data.ts";

export type EdgepropKernels = "wasm-simd" | "ts";
export const LEARNING_RATE = 0.1;

export function buildEdgeprop(shape: Shape, precision: "f64" | "f32", kernels: EdgepropKernels): Network {
  const net = createNetwork({
    inputs: shape.nin,
    layers: [
      { units: shape.nhid, activation: "sigmoid" },
      { units: shape.nout, activation: shape.softmax ? "softmax" : "sigmoid" },
    ],
    loss: shape.softmax ? "softmax-ce" : "half-sse",
    optimizer: { type: "sgd", learningRate: LEARNING_RATE },
    batchSize: 1,
    precision,
    kernels,
  });
  if (net.kernelName !== kernels) throw new Error(`asked for ${kernels} kernels, got ${net.kernelName}`);
  const w = initWeights(shape);
  // edgeprop's layout: W1, b1, W2, b2 (weights row-major [unit][input], as mlp.c)
  let o = 0;
  for (const part of [w.w1, w.b1, w.w2, w.b2]) {
    net.params.set(part, o);
    o += part.length;
  }
  return net;
}

/** Per-sample views of the data, made once, so the timed loop only indexes. */
export function sampleViews(shape: Shape): { xs: Float64Array[]; ts: Float64Array[] } {
  const d = makeData(shape);
  const xs: Float64Array[] = [];
  const ts: Float64Array[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    xs.push(d.x.subarray(s * shape.nin, (s + 1) * shape.nin));
    ts.push(d.t.subarray(s * shape.nout, (s + 1) * shape.nout));
  }
  return { xs, ts };
}

/** A stepper: run(n) trains on the next n samples (cycling through the 256), as mlp.c does. */
export function edgepropStepper(shape: Shape, precision: "f64" | "f32", kernels: EdgepropKernels): (n: number) => void {
  const net = buildEdgeprop(shape, precision, kernels);
  const { xs, ts } = sampleViews(shape);
  let cursor = 0;
  return (n: number): void => {
    for (let s = 0; s < n; s++) {
      net.train(xs[cursor]!, ts[cursor]!);
      if (++cursor === SAMPLES) cursor = 0;
    }
  };
}

export interface Verify {
  lossSum: number;
  checksum: number;
}

/** mlp.c's `verify`: 1000 steps from the initial state; the sum of the losses and of the weights. */
export function edgepropVerify(shape: Shape, precision: "f64" | "f32", kernels: EdgepropKernels): Verify {
  const net = buildEdgeprop(shape, precision, kernels);
  const { xs, ts } = sampleViews(shape);
  let lossSum = 0;
  for (let s = 0; s < 1000; s++) {
    if (!net.train(xs[s % SAMPLES]!, ts[s % SAMPLES]!)) throw new Error(`step ${s} was refused or rolled back`);
    lossSum += net.lastLoss;
  }
  const p = net.params;
  const n1 = shape.nhid * shape.nin;
  const n2 = shape.nout * shape.nhid;
  const w = {
    w1: Float64Array.from(p.subarray(0, n1)),
    b1: Float64Array.from(p.subarray(n1, n1 + shape.nhid)),
    w2: Float64Array.from(p.subarray(n1 + shape.nhid, n1 + shape.nhid + n2)),
    b2: Float64Array.from(p.subarray(n1 + shape.nhid + n2)),
  };
  return { lossSum, checksum: checksum(w) };
}
