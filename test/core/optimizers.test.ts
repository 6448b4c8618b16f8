// Each optimizer path against a step computed by hand in this file from the gradient the network
// reports (itself checked by gradcheck.test.ts): plain SGD, momentum, Nesterov, Adam, weight decay
// and global-norm clipping, over three steps so the optimizer state is exercised.
import { describe, expect, it } from "vitest";
import type { NetworkSpec, OptimizerSpec } from "../../src/core/index.ts";
import { createNetwork, KERNELS, randomArray } from "./support.ts";

function spec(optimizer: OptimizerSpec, kernels: string, extra: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    inputs: 3,
    layers: [{ units: 4, activation: "tanh" }, { units: 2, activation: "sigmoid" }],
    loss: "half-sse",
    optimizer,
    batchSize: 2,
    seed: 9,
    kernels,
    ...extra,
  };
}

type Update = (p: number[], g: number[], step: number) => number[];

/** Runs three train steps and the same three steps by hand; compares parameters after each. */
function check(s: NetworkSpec, update: Update, clipNorm = 0): void {
  const net = createNetwork(s);
  const probe = createNetwork(s); // computes the gradient at the hand-tracked parameters
  let p = Array.from(net.params);
  for (let step = 1; step <= 3; step++) {
    const x = randomArray(6, 100 + step);
    const t = randomArray(4, 200 + step, 0.1, 0.9);
    probe.params.set(p);
    probe.gradient(x, t);
    let g = Array.from(probe.grads);
    if (clipNorm > 0) {
      const norm = Math.hypot(...g);
      if (norm > clipNorm) g = g.map((v) => (v * clipNorm) / norm);
    }
    p = update(p, g, step);
    expect(net.train(x, t)).toBe(true);
    const got = Array.from(net.params);
    got.forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
  }
  expect(net.steps).toBe(3);
}

describe.each(KERNELS)("optimizers (%s kernels)", (kernels) => {
  it("sgd: p -= lr·g", () => {
    check(spec({ type: "sgd", learningRate: 0.3 }, kernels), (p, g) => p.map((v, i) => v - 0.3 * g[i]));
  });

  it("sgd with momentum: v = μv + g; p -= lr·v", () => {
    let v: number[] = [];
    check(spec({ type: "sgd", learningRate: 0.3, momentum: 0.8 }, kernels), (p, g) => {
      v = g.map((gi, i) => 0.8 * (v[i] ?? 0) + gi);
      return p.map((pi, i) => pi - 0.3 * v[i]);
    });
  });

  it("sgd with Nesterov momentum: v = μv + g; p -= lr·(g + μv)", () => {
    let v: number[] = [];
    check(spec({ type: "sgd", learningRate: 0.3, momentum: 0.8, nesterov: true }, kernels), (p, g) => {
      v = g.map((gi, i) => 0.8 * (v[i] ?? 0) + gi);
      return p.map((pi, i) => pi - 0.3 * (g[i] + 0.8 * v[i]));
    });
  });

  it("adam with bias correction", () => {
    const [lr, b1, b2, eps] = [0.01, 0.8, 0.95, 1e-6];
    let m: number[] = [];
    let v: number[] = [];
    check(spec({ type: "adam", learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }, kernels), (p, g, t) => {
      m = g.map((gi, i) => b1 * (m[i] ?? 0) + (1 - b1) * gi);
      v = g.map((gi, i) => b2 * (v[i] ?? 0) + (1 - b2) * gi * gi);
      return p.map((pi, i) => pi - (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
    });
  });

  it("weight decay adds λw to weight gradients only (biases untouched by decay)", () => {
    const s = spec({ type: "sgd", learningRate: 0.3 }, kernels, { weightDecay: 0.1 });
    const net = createNetwork(s);
    const plain = createNetwork({ ...s, weightDecay: 0 });
    const x = randomArray(6, 1);
    const t = randomArray(4, 2, 0.1, 0.9);
    const lossDecay = net.gradient(x, t);
    const lossPlain = plain.gradient(x, t);
    // Params per layer: weights then biases. Layer 1: 12 weights + 4 biases; layer 2: 8 weights + 2 biases.
    const isWeight = (i: number) => i < 12 || (i >= 16 && i < 24);
    let sumW2 = 0;
    for (let i = 0; i < net.params.length; i++) {
      const w = net.params[i];
      const expected = plain.grads[i] + (isWeight(i) ? 0.1 * w : 0);
      expect(net.grads[i]).toBeCloseTo(expected, 14);
      if (isWeight(i)) sumW2 += w * w;
    }
    expect(lossDecay).toBeCloseTo(lossPlain + 0.05 * sumW2, 14);
  });

  it("global-norm clipping scales the whole gradient to clipNorm when above it", () => {
    // lr·‖g‖ large: pick a threshold well below the gradient norm of these inputs.
    const s = spec({ type: "sgd", learningRate: 0.3 }, kernels, { clipNorm: 0.05 });
    const probe = createNetwork({ ...s, clipNorm: 0 });
    const x = randomArray(6, 101);
    const t = randomArray(4, 201, 0.1, 0.9);
    probe.gradient(x, t);
    expect(Math.hypot(...probe.grads)).toBeGreaterThan(0.05);
    check(s, (p, g) => p.map((v, i) => v - 0.3 * g[i]), 0.05);
    const net = createNetwork(s);
    net.train(x, t);
    expect(Math.hypot(...net.grads)).toBeCloseTo(0.05, 12);
  });

  it("clipping leaves a gradient below the threshold alone", () => {
    const s = spec({ type: "sgd", learningRate: 0.3 }, kernels, { clipNorm: 1e6 });
    check(s, (p, g) => p.map((v, i) => v - 0.3 * g[i]));
  });
});
