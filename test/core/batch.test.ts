// A batch of B samples is the same computation as B single samples: outputs row by row, loss and
// gradient as the average of the B single-sample ones.
import { describe, expect, it } from "vitest";
import type { LossKind, NetworkSpec } from "../../src/core/index.ts";
import { createNetwork, KERNELS, randomArray, targetsFor } from "./support.ts";

const B = 5;

function spec(loss: LossKind, batchSize: number, kernels: string): NetworkSpec {
  const out = loss === "softmax-ce" ? "softmax" : "sigmoid";
  return {
    inputs: 6,
    layers: [{ units: 7, activation: "relu" }, { units: 4, activation: "tanh" }, { units: 3, activation: out }],
    loss,
    optimizer: { type: "sgd", learningRate: 0.1 },
    weightDecay: 0.01,
    batchSize,
    seed: 21,
    kernels,
  };
}

describe.each(KERNELS)("batch of %s", (kernels) => {
  it.each(["half-sse", "mse", "bce", "softmax-ce"] as LossKind[])("%s: batch gradient = mean of single-sample gradients", (loss) => {
    const batch = createNetwork(spec(loss, B, kernels));
    const single = createNetwork(spec(loss, 1, kernels));
    const x = randomArray(B * 6, 4);
    const t = targetsFor(spec(loss, B, kernels), B, 1);
    const batchLoss = batch.gradient(x, t);
    const batchOut = Array.from(batch.forward(x));
    const meanGrad = new Array<number>(single.grads.length).fill(0);
    let meanLoss = 0;
    for (let s = 0; s < B; s++) {
      const xs = x.slice(s * 6, s * 6 + 6);
      const ts = t.slice(s * 3, s * 3 + 3);
      meanLoss += single.gradient(xs, ts) / B;
      single.grads.forEach((g, i) => (meanGrad[i] += g / B));
      Array.from(single.forward(xs)).forEach((y, k) => expect(batchOut[s * 3 + k]).toBeCloseTo(y, 14));
    }
    expect(batchLoss).toBeCloseTo(meanLoss, 14);
    meanGrad.forEach((g, i) => expect(batch.grads[i]).toBeCloseTo(g, 14));
  });
});
