// Guards: bad input is refused before it touches the arena (and counted); a step whose loss or
// gradients are non-finite is not applied, so parameters and optimizer state stay the last good ones.
import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../../src/core/index.ts";
import { createNetwork, KERNELS } from "./support.ts";

const base = (kernels: string, extra: Partial<NetworkSpec> = {}): NetworkSpec => ({
  inputs: 2,
  layers: [{ units: 3, activation: "tanh" }, { units: 1, activation: "linear" }],
  loss: "half-sse",
  optimizer: { type: "sgd", learningRate: 0.1, momentum: 0.5 },
  kernels,
  ...extra,
});

describe.each(KERNELS)("guards (%s kernels)", (kernels) => {
  it.each([
    ["NaN input", [NaN, 1], [0]],
    ["Infinity input", [Infinity, 1], [0]],
    ["NaN target", [1, 1], [NaN]],
    ["-Infinity target", [1, 1], [-Infinity]],
    ["short input", [1], [0]],
    ["long target", [1, 1], [0, 0]],
    ["hole in input", [1, undefined as unknown as number], [0]],
  ])("refuses %s without touching the arena", (_name, x, t) => {
    const net = createNetwork(base(kernels));
    net.train([0.3, -0.2], [0.5]); // some optimizer state
    const before = Array.from(net.arena);
    expect(net.train(x, t)).toBe(false);
    expect(Array.from(net.arena)).toEqual(before);
    expect(net.refusedInputs).toBe(1);
    expect(net.rolledBackSteps).toBe(0);
    expect(Number.isNaN(net.loss(x, t))).toBe(true);
    expect(Number.isNaN(net.gradient(x, t))).toBe(true);
    expect(net.refusedInputs).toBe(3);
    expect(net.steps).toBe(1);
  });

  it("forward refuses a non-finite input: outputs NaN, counted", () => {
    const net = createNetwork(base(kernels));
    const out = net.forward([NaN, 0]);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(net.refusedInputs).toBe(1);
    expect(Number.isFinite(net.forward([0.1, 0.2])[0])).toBe(true);
  });

  it("f32 refuses a finite input that float32 cannot hold", () => {
    const net = createNetwork(base(kernels, { precision: "f32" }));
    expect(net.train([1e39, 0], [0])).toBe(false);
    expect(net.refusedInputs).toBe(1);
    expect(net.train([3e38, 0], [0])).not.toBe(undefined); // in range: accepted as input
    expect(net.refusedInputs).toBe(1);
  });

  it("does not apply a step whose loss overflows; keeps params and optimizer state", () => {
    const net = createNetwork(base(kernels));
    net.train([0.3, -0.2], [0.5]);
    // Huge (finite) output weights: the output and the loss overflow for an ordinary input.
    net.params[9] = 1e300;
    net.params[10] = 1e300;
    net.params[11] = 1e300;
    const params2 = Array.from(net.params);
    const state2 = Array.from(net.optimizerState[0]);
    const rolled = net.rolledBackSteps;
    expect(net.train([1, 1], [0])).toBe(false);
    expect(Number.isFinite(net.lastLoss)).toBe(false);
    expect(net.rolledBackSteps).toBe(rolled + 1);
    expect(Array.from(net.params)).toEqual(params2);
    expect(Array.from(net.optimizerState[0])).toEqual(state2);
  });

  it("does not apply a step whose loss is finite but whose gradient would overflow", () => {
    // Linear 1-1 net: y = w·x, loss ½y², dL/dw = y·x. With x = 1e300 and w = 1e-160 the loss is
    // 5e279 (finite) but the weight gradient is 1e440 (not representable).
    const net = createNetwork({
      inputs: 1,
      layers: [{ units: 1, activation: "linear" }],
      loss: "half-sse",
      optimizer: { type: "sgd", learningRate: 1e-300 },
      kernels,
    });
    net.params.set([1e-160, 0]);
    expect(net.train([1e300], [0])).toBe(false);
    expect(net.lastLoss).toBeCloseTo(5e279, -270);
    expect(Number.isFinite(net.lastLoss)).toBe(true);
    expect(net.rolledBackSteps).toBe(1);
    expect(Array.from(net.params)).toEqual([1e-160, 0]);
    expect(net.steps).toBe(0);
    // A sane sample right after trains normally.
    expect(net.train([1], [0])).toBe(true);
  });

  it("softmax-ce never takes log(0): a confidently wrong output gives a large finite loss", () => {
    const net = createNetwork({
      inputs: 1,
      layers: [{ units: 2, activation: "softmax" }],
      loss: "softmax-ce",
      optimizer: { type: "sgd", learningRate: 0.1 },
      kernels,
    });
    net.params.set([800, -800, 0, 0]); // z = (800, -800): softmax underflows to (1, 0)
    expect(net.forward([1])[1]).toBe(0);
    expect(net.loss([1], [0, 1])).toBeCloseTo(1600, 9);
    expect(net.train([1], [0, 1])).toBe(true);
  });
});
