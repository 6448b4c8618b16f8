// The network object's contracts beyond the arithmetic: what each method may change, the output
// view, and the seeded initialisation.
import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../../src/core/index.ts";
import { createNetwork, randomArray } from "./support.ts";

const spec: NetworkSpec = {
  inputs: 3,
  layers: [{ units: 8, activation: "relu" }, { units: 4, activation: "tanh" }, { units: 2, activation: "sigmoid" }],
  loss: "bce",
  optimizer: { type: "adam", learningRate: 0.01 },
  weightDecay: 0.01,
  batchSize: 2,
  kernels: "ts",
};
const x = randomArray(6, 1);
const t = [1, 0, 0, 1];

function snapshot(net: ReturnType<typeof createNetwork>) {
  return {
    params: Array.from(net.params),
    grads: Array.from(net.grads),
    state: net.optimizerState.map((s) => Array.from(s)),
    steps: net.steps,
  };
}

describe("network contracts", () => {
  it("loss changes no parameter, gradient, optimizer state or step count", () => {
    const net = createNetwork(spec);
    net.train(x, t);
    const before = snapshot(net);
    const l = net.loss(randomArray(6, 2), [0, 1, 1, 0]);
    expect(Number.isFinite(l)).toBe(true);
    expect(snapshot(net)).toEqual(before);
  });

  it("gradient changes the gradients only", () => {
    const net = createNetwork(spec);
    net.train(x, t);
    const before = snapshot(net);
    net.gradient(randomArray(6, 2), [0, 1, 1, 0]);
    const after = snapshot(net);
    expect(after.grads).not.toEqual(before.grads);
    expect({ ...after, grads: null }).toEqual({ ...before, grads: null });
  });

  it("train changes parameters and state and counts the step; lastLoss is the loss before the step", () => {
    const net = createNetwork(spec);
    const expected = net.loss(x, t);
    const before = snapshot(net);
    expect(net.train(x, t)).toBe(true);
    expect(net.lastLoss).toBe(expected);
    const after = snapshot(net);
    expect(after.params).not.toEqual(before.params);
    expect(after.state).not.toEqual(before.state);
    expect(after.steps).toBe(1);
  });

  it("forward returns the same output view every call, [batch][outputs]", () => {
    const net = createNetwork(spec);
    const a = net.forward(x);
    const first = Array.from(a);
    const b = net.forward(randomArray(6, 9));
    expect(b).toBe(a);
    expect(a.length).toBe(4);
    expect(Array.from(b)).not.toEqual(first);
    expect(a.buffer).toBe(net.memory.buffer);
  });

  it("initialisation is seeded: same seed same weights, another seed other weights", () => {
    const a = createNetwork({ ...spec, seed: 5 });
    const b = createNetwork({ ...spec, seed: 5 });
    const c = createNetwork({ ...spec, seed: 6 });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
  });

  it("weights are He-uniform for relu and Xavier-uniform for tanh/sigmoid; biases start at 0", () => {
    const net = createNetwork({ ...spec, seed: 3 });
    const limits = [Math.sqrt(6 / 3), Math.sqrt(6 / (8 + 4)), Math.sqrt(6 / (4 + 2))];
    let p = 0;
    net.layout.layers.forEach((l, i) => {
      const w = Array.from(net.params.subarray(p, p + l.nIn * l.nOut));
      const b = Array.from(net.params.subarray(p + l.nIn * l.nOut, p + l.nIn * l.nOut + l.nOut));
      const maxAbs = Math.max(...w.map(Math.abs));
      expect(maxAbs).toBeLessThanOrEqual(limits[i]);
      expect(maxAbs).toBeGreaterThan(limits[i] * 0.5);
      expect(b.every((v) => v === 0)).toBe(true);
      p += l.nIn * l.nOut + l.nOut;
    });
  });

  it("f32 networks keep everything in float32 views of the same memory", () => {
    const net = createNetwork({ ...spec, precision: "f32" });
    expect(net.params).toBeInstanceOf(Float32Array);
    expect(net.forward(x)).toBeInstanceOf(Float32Array);
    expect(net.params.buffer).toBe(net.memory.buffer);
    expect(net.train(x, t)).toBe(true);
  });
});
