// XOR from its design matrix with a bias column: rows [x1, x2, 1], learned to 100% accuracy
// (output > 0.5 ⇔ class 1) from several seeds, online with SGD+momentum and full-batch with Adam.
import { describe, expect, it } from "vitest";
import { createNetwork, KERNELS } from "./support.ts";

const X = [0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1];
const T = [0, 1, 1, 0];
const SEEDS = [1, 2, 3, 4, 5, 6];

function accuracy(outputs: ArrayLike<number>): number {
  let ok = 0;
  for (let s = 0; s < 4; s++) if ((outputs[s] > 0.5 ? 1 : 0) === T[s]) ok++;
  return ok / 4;
}

describe.each(KERNELS)("XOR (%s kernels)", (kernels) => {
  it.each(SEEDS)("online SGD with momentum, seed %i", (seed) => {
    const net = createNetwork({
      inputs: 3,
      layers: [{ units: 4, activation: "tanh" }, { units: 1, activation: "sigmoid" }],
      loss: "half-sse",
      optimizer: { type: "sgd", learningRate: 0.5, momentum: 0.9 },
      seed,
      kernels,
    });
    const rows = [0, 1, 2, 3].map((s) => X.slice(s * 3, s * 3 + 3));
    const before = rows.map((r) => net.forward(r)[0]);
    for (let e = 0; e < 2000; e++) for (let s = 0; s < 4; s++) net.train(rows[s], [T[s]]);
    const after = rows.map((r) => net.forward(r)[0]);
    expect(accuracy(before)).toBeLessThan(1);
    expect(accuracy(after)).toBe(1);
    expect(net.steps).toBe(8000);
  });

  it.each(SEEDS)("full-batch Adam with bce, seed %i", (seed) => {
    const net = createNetwork({
      inputs: 3,
      layers: [{ units: 4, activation: "tanh" }, { units: 1, activation: "sigmoid" }],
      loss: "bce",
      optimizer: { type: "adam", learningRate: 0.05 },
      batchSize: 4,
      seed,
      kernels,
    });
    for (let e = 0; e < 2000; e++) net.train(X, T);
    expect(accuracy(net.forward(X))).toBe(1);
    expect(net.lastLoss).toBeLessThan(0.05);
  });
});
