// Child script for kernels-wasm-gc.test.ts (run through test/support/gc-count.ts): a training loop
// on the WASM SIMD kernels. args: mode iterations
//   sgd     24-16-2 sigmoid, half-sse, plain SGD, batch 1
//   adam-b8 784-100-10 sigmoid/softmax-ce, Adam, clipping, batch 8
//   alloc   the sgd loop plus one fresh array per step (the counter must see GC)
import { createNetwork } from "../../src/core/index.ts";
import "../../src/core/kernels/wasm/register.ts";

export default async function prepare(args: string[]): Promise<() => void> {
  const [mode, countArg] = args;
  const iterations = Number(countArg);
  const big = mode === "adam-b8";
  const batch = big ? 8 : 1;
  const nin = big ? 784 : 24;
  const nout = big ? 10 : 2;
  const net = createNetwork({
    inputs: nin,
    layers: big
      ? [{ units: 100, activation: "sigmoid" }, { units: 10, activation: "softmax" }]
      : [{ units: 16, activation: "sigmoid" }, { units: 2, activation: "sigmoid" }],
    loss: big ? "softmax-ce" : "half-sse",
    optimizer: big ? { type: "adam", learningRate: 0.001 } : { type: "sgd", learningRate: 0.1 },
    clipNorm: big ? 1 : 0,
    batchSize: batch,
    seed: 11,
    kernels: "wasm-simd",
  });
  const samples = 64;
  const xs = new Float64Array(samples * batch * nin);
  const ts = new Float64Array(samples * batch * nout);
  let r = 7;
  for (let i = 0; i < xs.length; i++) xs[i] = (r = (Math.imul(r, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let s = 0; s < samples * batch; s++) ts[s * nout + (s % nout)] = 1;
  const xv = Array.from({ length: samples }, (_, s) => xs.subarray(s * batch * nin, (s + 1) * batch * nin));
  const tv = Array.from({ length: samples }, (_, s) => ts.subarray(s * batch * nout, (s + 1) * batch * nout));
  const sink = new Float64Array(1);
  let kept: number[] = [];
  const run = (n: number): void => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (net.train(xv[i & (samples - 1)]!, tv[i & (samples - 1)]!)) acc += net.lastLoss;
      if (mode === "alloc") kept = [i, acc];
    }
    sink[0] += acc;
  };
  for (let k = 0; k < 50; k++) run(big ? 10 : 1000); // many short calls, so `run` itself is optimised
  return () => {
    run(iterations);
    process.stdout.write(`sink ${sink[0]} kept ${kept.length} kernels ${net.kernelName} rolledBack ${net.rolledBackSteps}\n`);
  };
}
