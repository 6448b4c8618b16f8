// The recurrent (Elman) network's contract: the carried state, randomized truncation (unbiased on
// average, cut at random), gradient clipping through time, spec errors, and model files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createNetwork,
  createRecurrentNetwork,
  loadModel,
  loadRecurrentModel,
  type RecurrentSpec,
  saveModel,
  saveRecurrentModel,
} from "../../src/core/index.ts";
import { KERNELS, randomArray } from "./support.ts";

function spec(over: Partial<RecurrentSpec> = {}): RecurrentSpec {
  return {
    inputs: 2,
    hidden: { units: 5, activation: "tanh" },
    output: { units: 2, activation: "linear" },
    loss: "half-sse",
    optimizer: { type: "sgd", learningRate: 0.05 },
    window: 6,
    seed: 8,
    ...over,
  };
}

describe.each(KERNELS)("recurrent network (%s kernels)", (kernels) => {
  it("carries the state across calls: two segments of 3 steps give the outputs of one of 6", () => {
    const whole = createRecurrentNetwork(spec({ kernels, batchSize: 2 }));
    const parts = createRecurrentNetwork(spec({ kernels, batchSize: 2 }));
    const x = randomArray(6 * 2 * 2, 1, -1, 1);
    const y = Array.from(whole.forward(x)).slice(0, 24);
    const a = Array.from(parts.forward(x.slice(0, 12))).slice(0, 12);
    const b = Array.from(parts.forward(x.slice(12))).slice(0, 12);
    expect([...a, ...b]).toEqual(y.map((v) => expect.closeTo(v, 12)));
    expect(Array.from(parts.state)).toEqual(Array.from(whole.state).map((v) => expect.closeTo(v, 12)));
  });

  it("loss and gradient leave the state; forward and train advance it; resetState starts a new sequence", () => {
    const net = createRecurrentNetwork(spec({ kernels }));
    const fresh = createRecurrentNetwork(spec({ kernels }));
    const x = randomArray(12, 2, -1, 1);
    const t = randomArray(12, 3, -1, 1);
    expect(Array.from(net.state)).toEqual([0, 0, 0, 0, 0]);
    net.loss(x, t);
    net.gradient(x, t);
    expect(Array.from(net.state)).toEqual([0, 0, 0, 0, 0]);
    net.forward(x);
    const after = Array.from(net.state);
    expect(after.some((v) => v !== 0)).toBe(true);
    const l1 = net.loss(x, t);
    expect(net.loss(x, t)).toBe(l1);
    expect(Array.from(net.state)).toEqual(after);
    expect(net.train(x, t)).toBe(true);
    expect(Array.from(net.state)).not.toEqual(after);
    net.resetState();
    fresh.params.set(net.params);
    expect(Array.from(net.forward(x))).toEqual(Array.from(fresh.forward(x)));
  });

  it("randomized truncation: keep 1 is the regular gradient; keep 0.5 cuts at random and is unbiased on average", () => {
    const regular = createRecurrentNetwork(spec({ kernels, batchSize: 2 }));
    const same = createRecurrentNetwork(spec({ kernels, batchSize: 2, truncation: { type: "randomized", keep: 1 } }));
    const random = createRecurrentNetwork(spec({ kernels, batchSize: 2, truncation: { type: "randomized", keep: 0.5 } }));
    const shift = randomArray(regular.params.length, 4, -0.4, 0.4);
    for (const n of [regular, same, random]) for (let i = 0; i < shift.length; i++) n.params[i] += shift[i];
    const x = randomArray(24, 5, -1, 1);
    const t = randomArray(24, 6, -1, 1);
    regular.gradient(x, t);
    const full = Array.from(regular.grads);
    same.gradient(x, t);
    expect(Array.from(same.grads)).toEqual(full);
    expect(same.truncations).toBe(0);
    const draws = 4000;
    const mean = new Float64Array(full.length);
    let differs = 0;
    for (let d = 0; d < draws; d++) {
      random.gradient(x, t);
      let diff = 0;
      for (let i = 0; i < full.length; i++) {
        mean[i] += random.grads[i] / draws;
        diff += Math.abs(random.grads[i] - full[i]);
      }
      if (diff > 1e-9) differs++;
    }
    expect(random.truncations).toBeGreaterThan(draws); // about 2.5 cuts per call (5 links, keep 0.5)
    expect(differs).toBeGreaterThan(draws * 0.9);
    const err = Math.hypot(...full.map((g, i) => g - mean[i])) / Math.hypot(...full);
    expect(err).toBeLessThan(0.05);
  });

  it("gradient clipping through time keeps an exploding recurrence trainable", () => {
    // Linear recurrence with W_h = 1.6·I over 24 steps: ∂L/∂W grows like 1.6^24 ≈ 8e4.
    const make = (clipNorm: number) => {
      const net = createRecurrentNetwork({
        inputs: 1,
        hidden: { units: 4, activation: "linear" },
        output: { units: 1, activation: "linear" },
        loss: "half-sse",
        optimizer: { type: "sgd", learningRate: 0.01 },
        window: 24,
        clipNorm,
        seed: 2,
        kernels,
      });
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) net.params[j * 5 + 1 + i] = i === j ? 1.6 : 0;
      return net;
    };
    const clipped = make(1);
    const free = make(0);
    const x = randomArray(24, 7, -1, 1);
    const t = x.map((v, i) => (i > 0 ? x[i - 1] : 0)); // echo the previous input
    clipped.gradient(x, t);
    expect(Math.hypot(...clipped.grads)).toBeGreaterThan(1e3);
    const before = Array.from(clipped.params);
    const initial = clipped.loss(x, t);
    expect(clipped.train(x, t)).toBe(true);
    // the applied gradient has norm exactly clipNorm, so the step is lr·1
    expect(Math.hypot(...clipped.grads)).toBeCloseTo(1, 9);
    expect(Math.hypot(...before.map((p, i) => p - clipped.params[i]))).toBeCloseTo(0.01, 9);
    for (let i = 0; i < 300; i++) {
      clipped.resetState();
      clipped.train(x, t);
      free.resetState();
      free.train(x, t);
    }
    clipped.resetState();
    free.resetState();
    expect(clipped.rolledBackSteps).toBe(0);
    expect(clipped.loss(x, t)).toBeLessThan(initial / 10);
    const freeLoss = free.loss(x, t);
    expect(free.rolledBackSteps > 0 || !(freeLoss < initial)).toBe(true);
  });

  it("refuses inputs of no whole number of steps, more steps than the window, bad values, wrong target lengths", () => {
    const net = createRecurrentNetwork(spec({ kernels, targets: "last" }));
    expect(net.train([1, 2, 3], [0, 0])).toBe(false);
    expect(net.train(randomArray(14, 1), [0, 0])).toBe(false);
    expect(net.train([1, NaN], [0, 0])).toBe(false);
    expect(net.train([1, 2, 3, 4], [0, 0, 0, 0])).toBe(false);
    expect(net.refusedInputs).toBe(4);
    expect(net.train([1, 2, 3, 4], [0, 0])).toBe(true);
  });
});

describe("recurrent spec errors", () => {
  it.each([
    ["window", { window: 0 }, /window: must be an integer/],
    ["softmax hidden", { hidden: { units: 3, activation: "softmax" } }, /hidden.activation: softmax is not allowed/],
    ["keep", { truncation: { type: "randomized", keep: 0 } }, /truncation.keep: must be in \(0, 1\]/],
    ["targets", { targets: "some" }, /targets: must be "every" or "last"/],
    ["hidden units (named as the recurrent spec's field)", { hidden: { units: 0, activation: "tanh" } }, /hidden\.units: must be an integer/],
    ["softmax output without softmax-ce", { output: { units: 2, activation: "softmax" } }, /output\.activation: softmax needs loss softmax-ce/],
  ] as const)("%s", (_, over, message) => {
    expect(() => createRecurrentNetwork(spec(over as Partial<RecurrentSpec>))).toThrow(message);
  });
});

describe("recurrent model files", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-rnn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trip parameters, Adam state, step count and the carried state; each loader refuses the other kind", () => {
    const net = createRecurrentNetwork(spec({ optimizer: { type: "adam", learningRate: 0.01 }, batchSize: 2, truncation: { type: "randomized", keep: 0.8 } }));
    for (let i = 0; i < 10; i++) net.train(randomArray(24, i, -1, 1), randomArray(24, 100 + i, -1, 1));
    const path = join(dir, "rnn.epnn");
    saveRecurrentModel(net, path);
    const back = loadRecurrentModel(path);
    expect(back.spec).toEqual(net.spec);
    expect(back.steps).toBe(10);
    expect(Array.from(back.params)).toEqual(Array.from(net.params));
    expect(back.optimizerState.map((s) => Array.from(s))).toEqual(net.optimizerState.map((s) => Array.from(s)));
    expect(Array.from(back.state)).toEqual(Array.from(net.state));
    const x = randomArray(24, 55, -1, 1);
    expect(Array.from(back.forward(x))).toEqual(Array.from(net.forward(x)));
    const f32 = loadRecurrentModel(path, { precision: "f32", batchSize: 1 });
    expect(Array.from(f32.state)).toEqual([0, 0, 0, 0, 0]);
    expect(() => loadModel(path)).toThrow(/holds a recurrent model/);
    const dense = createNetwork({ inputs: 2, layers: [{ units: 2, activation: "linear" }], loss: "mse", optimizer: { type: "sgd", learningRate: 0.1 } });
    const densePath = join(dir, "dense.epnn");
    saveModel(dense, densePath);
    expect(() => loadRecurrentModel(densePath)).toThrow(/not a recurrent model/);
  });
});
