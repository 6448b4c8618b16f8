// Batch normalisation: finite-difference checks of the training-mode backward pass (batch
// statistics: every sample's loss depends on every other sample's z), the running averages, the
// inference path, learning with it, and the model-file round trip of γ, β and the running stats.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Activation, type LossKind, type NetworkSpec, loadModel, saveModel } from "../../src/core/index.ts";
import { BN_EPS } from "../../src/core/batchnorm.ts";
import { createNetwork, KERNELS, numericGradient, randomArray, targetsFor, worstRelativeError } from "./support.ts";

function bnSpec(hidden: Activation, out: Activation, loss: LossKind, batch: number, kernels: string, outBn = false): NetworkSpec {
  return {
    inputs: 4,
    layers: [
      { units: 5, activation: hidden, batchNorm: true },
      { units: 4, activation: "tanh", batchNorm: true },
      { units: 3, activation: out, batchNorm: outBn },
    ],
    loss,
    optimizer: { type: "sgd", learningRate: 0.1 },
    weightDecay: 0.01,
    batchSize: batch,
    seed: 2,
    kernels,
  };
}

function worstError(spec: NetworkSpec): number {
  const net = createNetwork(spec);
  const init = randomArray(net.params.length, 13, -0.4, 0.4);
  for (let i = 0; i < net.params.length; i++) net.params[i] += init[i];
  const x = randomArray(spec.batchSize! * 4, 8, -1.5, 1.5);
  const t = targetsFor(spec, spec.batchSize!, 1);
  net.gradient(x, t);
  const analytic = Array.from(net.grads);
  return worstRelativeError(analytic, numericGradient(net, x, t, 1e-5));
}

describe.each(KERNELS)("batch norm (%s kernels)", (kernels) => {
  it.each([
    ["sigmoid", "linear", "half-sse", 4, false],
    ["leaky-relu", "softmax", "softmax-ce", 5, false],
    ["tanh", "sigmoid", "bce", 3, true],
    ["linear", "linear", "mse", 2, true],
  ] as const)("gradient check: hidden %s, output %s + %s, batch %i, output normalised %s", (h, o, loss, batch, outBn) => {
    expect(worstError(bnSpec(h, o, loss, batch, kernels, outBn))).toBeLessThan(1e-6);
  });

  it("params hold γ (start 1) and β (start 0) after each normalised layer's biases; train updates the running averages", () => {
    const net = createNetwork(bnSpec("relu", "linear", "half-sse", 4, kernels));
    expect(net.params.length).toBe(5 * 4 + 5 + 10 + 4 * 5 + 4 + 8 + 3 * 4 + 3);
    expect(Array.from(net.params.subarray(25, 30))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(net.params.subarray(30, 35))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(net.normState)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    const x = randomArray(16, 3, -1, 1);
    const t = randomArray(12, 4, -1, 1);
    // Batch statistics of the first layer's z, computed independently from params and x.
    const W = Array.from(net.params.subarray(0, 20));
    const z = [0, 1, 2, 3].map((s) => [0, 1, 2, 3, 4].map((j) => W.slice(j * 4, j * 4 + 4).reduce((a, w, i) => a + w * x[s * 4 + i], 0)));
    const mean = [0, 1, 2, 3, 4].map((j) => z.reduce((a, r) => a + r[j], 0) / 4);
    const variance = [0, 1, 2, 3, 4].map((j) => z.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / 3);
    net.gradient(x, t);
    expect(Array.from(net.normState.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]); // gradient leaves them
    expect(net.train(x, t)).toBe(true);
    expect(Array.from(net.normState.subarray(0, 5))).toEqual(mean.map((m) => expect.closeTo(0.1 * m, 12)));
    expect(Array.from(net.normState.subarray(5, 10))).toEqual(variance.map((v) => expect.closeTo(0.9 + 0.1 * v, 10)));
  });

  it("forward uses the running averages: one sample's output does not depend on the rest of its batch", () => {
    const net = createNetwork(bnSpec("tanh", "linear", "half-sse", 4, kernels));
    const rows = randomArray(40 * 16, 5, -1, 1);
    for (let i = 0; i < 40; i++) net.train(rows.slice(i * 16, i * 16 + 16), randomArray(12, i, -1, 1));
    const a = randomArray(16, 20, -1, 1);
    const b = [...a.slice(0, 4), ...randomArray(12, 21, -3, 3)];
    const ya = Array.from(net.forward(a)).slice(0, 3);
    const yb = Array.from(net.forward(b)).slice(0, 3);
    expect(yb).toEqual(ya);
    // and the first layer's normalised value follows γ(z − μ_run)/√(σ²_run + ε) + β
    const L = net.layout.layers[0];
    const z0 = net.arena[L.z];
    const expected = (net.params[25] * (z0 - net.normState[0])) / Math.sqrt(net.normState[5] + BN_EPS) + net.params[30];
    expect(net.arena[L.zn]).toBeCloseTo(expected, 12);
    // training-mode loss differs from the running-average one for the same batch
    expect(net.loss(a, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).not.toBeCloseTo(0.5 * Array.from(net.forward(a)).reduce((s, y) => s + y * y, 0) / 4, 6);
  });

  it("learns a badly scaled problem (inputs ×1000) with a sigmoid hidden layer", () => {
    const make = () =>
      createNetwork({
        inputs: 4,
        layers: [{ units: 8, activation: "sigmoid", batchNorm: true }, { units: 2, activation: "softmax" }],
        loss: "softmax-ce",
        optimizer: { type: "sgd", learningRate: 0.1, momentum: 0.9 },
        batchSize: 16,
        seed: 4,
        kernels,
      });
    const withBn = make();
    const data = randomArray(200 * 16 * 4, 31, -1, 1);
    const cls = (r: number[], s: number) => (r[s * 4] + r[s * 4 + 1] > 0 ? 0 : 1);
    const batchOf = (i: number) => {
      const r = data.slice(i * 64, i * 64 + 64);
      const t: number[] = [];
      for (let s = 0; s < 16; s++) t.push(cls(r, s) === 0 ? 1 : 0, cls(r, s) === 1 ? 1 : 0);
      return { x: r.map((v) => v * 1000), t, r };
    };
    for (let e = 0; e < 3; e++) for (let i = 0; i < 180; i++) {
      const { x, t } = batchOf(i);
      expect(withBn.train(x, t)).toBe(true);
    }
    const acc = (net: ReturnType<typeof make>) => {
      let ok = 0;
      for (let i = 180; i < 200; i++) {
        const { x, r } = batchOf(i);
        const y = net.forward(x);
        for (let s = 0; s < 16; s++) if ((y[s * 2] > y[s * 2 + 1] ? 0 : 1) === cls(r, s)) ok++;
      }
      return ok / 320;
    };
    expect(acc(withBn)).toBeGreaterThan(0.93);
  });
});

describe("batch norm layout and spec", () => {
  it("pins the arena: 3-4(bn)-2, sgd, f64, batch 2 is 1,328 bytes", () => {
    // params (4·3+4 + γ,β 8) + (2·4+2) = 34 → 272, grads 272, running stats 8 → 64, x 6 → 48, t 4 → 32,
    // layer 1 z/a/dz 3·64 + zn/xhat 2·64 + mean/invstd 2·32, layer 2 z/a/dz 3·32, scratch 32, stats 128
    const net = createNetwork({
      inputs: 3,
      layers: [{ units: 4, activation: "relu", batchNorm: true }, { units: 2, activation: "linear" }],
      loss: "mse",
      optimizer: { type: "sgd", learningRate: 0.1 },
      batchSize: 2,
      kernels: "ts",
    });
    expect(net.bytes).toBe(272 + 272 + 64 + 48 + 32 + 192 + 128 + 64 + 96 + 32 + 128);
    expect(net.params.length).toBe(34);
    expect(net.normState.length).toBe(8);
  });

  it("rejects a batchNorm that is not a boolean, naming the layer", () => {
    expect(() =>
      createNetwork({ inputs: 2, layers: [{ units: 2, activation: "relu", batchNorm: "yes" as unknown as boolean }], loss: "mse", optimizer: { type: "sgd", learningRate: 0.1 } }),
    ).toThrow(/layers\[0\]\.batchNorm: must be a boolean, got yes/);
  });
});

describe("batch norm model files", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-bn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips γ, β and the running statistics, into another batch size and precision", () => {
    const net = createNetwork(bnSpec("relu", "softmax", "softmax-ce", 4, "ts"));
    for (let i = 0; i < 20; i++) net.train(randomArray(16, i, -1, 1), targetsFor(net.spec, 4, i));
    const path = join(dir, "bn.epnn");
    saveModel(net, path);
    const back = loadModel(path, { kernels: "ts" });
    expect(back.spec).toEqual(net.spec);
    expect(Array.from(back.params)).toEqual(Array.from(net.params));
    expect(Array.from(back.normState)).toEqual(Array.from(net.normState));
    const x = randomArray(16, 77, -1, 1);
    expect(Array.from(back.forward(x))).toEqual(Array.from(net.forward(x)));
    const one = loadModel(path, { batchSize: 1, precision: "f32" });
    expect(Array.from(one.forward(x.slice(0, 4)))).toEqual(Array.from(net.forward(x)).slice(0, 3).map((v) => expect.closeTo(v, 5)));
  });
});
