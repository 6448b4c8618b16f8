// Whole networks on the WASM SIMD kernels against the same networks on the TS reference kernels
// (same spec, seed and data), and edgeprop against the plain C reference's `verify` output
// (test/core/fixtures/mlp-verify.json, made by bench/make-verify-fixture.ts with the gcc command
// recorded there; this test needs no gcc).
//
// Tolerances: after 50 train steps, parameters agree to 1e-10 (f64) and 1e-4 (f32) relative to
// 1 + |p|: the kernels differ only in the order of additions (f64) or in computing in f32 instead
// of rounding a double result once (f32), and training carries those differences forward.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createNetwork, type NetworkSpec } from "../../src/core/index.ts";
import "../../src/core/kernels/wasm/register.ts";
import { edgepropVerify } from "../../bench/impls/edgeprop.ts";

const TOL = { f64: 1e-10, f32: 1e-4 } as const;

function data(n: number, seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * n;
  };
}

const CASES: Array<{ name: string; spec: Omit<NetworkSpec, "precision" | "kernels"> }> = [
  {
    name: "24-16-2 sigmoid, half-sse, sgd, batch 1",
    spec: { inputs: 24, layers: [{ units: 16, activation: "sigmoid" }, { units: 2, activation: "sigmoid" }], loss: "half-sse", optimizer: { type: "sgd", learningRate: 0.1 }, seed: 3 },
  },
  {
    name: "17-7-3 tanh/relu/linear, mse, Nesterov momentum, decay, clipping, batch 8",
    spec: {
      inputs: 17,
      layers: [{ units: 7, activation: "tanh" }, { units: 5, activation: "relu" }, { units: 3, activation: "linear" }],
      loss: "mse",
      optimizer: { type: "sgd", learningRate: 0.05, momentum: 0.9, nesterov: true },
      weightDecay: 1e-3,
      clipNorm: 1,
      batchSize: 8,
      seed: 4,
    },
  },
  {
    name: "784-30-10 leaky-relu, softmax-ce, adam, batch 3",
    spec: { inputs: 784, layers: [{ units: 30, activation: "leaky-relu" }, { units: 10, activation: "softmax" }], loss: "softmax-ce", optimizer: { type: "adam", learningRate: 0.001 }, batchSize: 3, seed: 5 },
  },
  {
    name: "3-1 sigmoid, bce, sgd momentum, batch 1",
    spec: { inputs: 3, layers: [{ units: 1, activation: "sigmoid" }], loss: "bce", optimizer: { type: "sgd", learningRate: 0.3, momentum: 0.5 }, seed: 6 },
  },
];

describe.each(["f64", "f32"] as const)("WASM network equals TS network (%s)", (precision) => {
  it.each(CASES)("$name: 50 train steps", ({ spec }) => {
    const wasm = createNetwork({ ...spec, precision, kernels: "wasm-simd" });
    const ts = createNetwork({ ...spec, precision, kernels: "ts" });
    expect(wasm.kernelName).toBe("wasm-simd");
    expect(Array.from(wasm.params)).toEqual(Array.from(ts.params)); // same seeded initialisation
    const batch = spec.batchSize ?? 1;
    const outs = spec.layers[spec.layers.length - 1]!.units;
    const rnd = data(1, 99);
    const x = new Float64Array(batch * spec.inputs);
    const t = new Float64Array(batch * outs);
    for (let step = 0; step < 50; step++) {
      for (let i = 0; i < x.length; i++) x[i] = rnd();
      for (let s = 0; s < batch; s++) {
        const hot = Math.floor(rnd() * outs);
        for (let k = 0; k < outs; k++) t[s * outs + k] = spec.loss === "softmax-ce" ? (k === hot ? 1 : 0) : rnd();
      }
      expect(wasm.train(x, t)).toBe(true);
      expect(ts.train(x, t)).toBe(true);
      expect(Math.abs(wasm.lastLoss - ts.lastLoss)).toBeLessThanOrEqual(TOL[precision] * (1 + Math.abs(ts.lastLoss)));
    }
    let worst = 0;
    for (let i = 0; i < ts.params.length; i++) worst = Math.max(worst, Math.abs(wasm.params[i]! - ts.params[i]!) / (1 + Math.abs(ts.params[i]!)));
    expect(worst).toBeLessThanOrEqual(TOL[precision]);
    const out = Array.from(wasm.forward(x));
    const ref = Array.from(ts.forward(x));
    for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i]! - ref[i]!)).toBeLessThanOrEqual(TOL[precision] * (1 + Math.abs(ref[i]!)));
  });
});

interface VerifyCase {
  shape: string;
  softmax: boolean;
  precision: "f64" | "f32";
  lossSum: number;
  checksum: number;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/mlp-verify.json", import.meta.url), "utf8")) as { cases: VerifyCase[] };

// f64 agrees with C to a few ulps (the same operations, summed in another order in places);
// f32 within 1e-6 (loss sum) and 1e-5 (checksum) relative: C rounds every operation to float,
// edgeprop's f32 kernels round differently (WASM: f32 SIMD; TS: doubles rounded at each store).
const VERIFY_TOL = { f64: { loss: 1e-13, sum: 1e-12 }, f32: { loss: 1e-6, sum: 1e-5 } } as const;

describe("edgeprop matches the C reference mlp.c (1000 online SGD steps from identical weights and data)", () => {
  it.each(fixture.cases)("$shape $precision", (c) => {
    const [nin, nhid, nout] = c.shape.split("-").map(Number) as [number, number, number];
    for (const kernels of ["wasm-simd", "ts"] as const) {
      const e = edgepropVerify({ nin, nhid, nout, softmax: c.softmax }, c.precision, kernels);
      const tol = VERIFY_TOL[c.precision];
      expect(Math.abs(e.lossSum - c.lossSum) / Math.abs(c.lossSum), `${kernels} loss sum`).toBeLessThanOrEqual(tol.loss);
      expect(Math.abs(e.checksum - c.checksum) / Math.abs(c.checksum), `${kernels} checksum`).toBeLessThanOrEqual(tol.sum);
    }
  });
});
