// net.inputGradient and net.jacobian against central differences in x (f64, h = 1e-5,
// per-element error |a−n| / max(|a|, |n|, 1e-4) < 1e-6), for several activations and losses,
// batch 1 and 3, a batch-normalised net at inference; and what they may change (nothing but the
// caller's view).
import { describe, expect, it } from "vitest";
import type { Activation, LossKind, NetworkSpec } from "../../src/core/index.ts";
import { createNetwork, KERNELS, randomArray, targetsFor } from "./support.ts";

const CASES: [hidden: Activation, out: Activation, loss: LossKind][] = [
  ["tanh", "linear", "half-sse"],
  ["sigmoid", "sigmoid", "bce"],
  ["leaky-relu", "softmax", "softmax-ce"],
  ["relu", "tanh", "mse"],
];

function specOf(hidden: Activation, out: Activation, loss: LossKind, batch: number, kernels: string, batchNorm = false): NetworkSpec {
  return {
    inputs: 5,
    layers: [{ units: 6, activation: hidden, batchNorm }, { units: 4, activation: hidden }, { units: 3, activation: out }],
    loss,
    optimizer: { type: "sgd", learningRate: 0.05 },
    weightDecay: 0.01,
    batchSize: batch,
    seed: 6,
    kernels,
  };
}

function relErr(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), 1e-4);
}

function prepared(spec: NetworkSpec) {
  const net = createNetwork(spec);
  const init = randomArray(net.params.length, 3, -0.3, 0.3);
  for (let i = 0; i < net.params.length; i++) net.params[i] += init[i];
  if (spec.layers[0].batchNorm) {
    // move the running statistics away from (0, 1) so the inference path is exercised
    for (let i = 0; i < 30; i++) net.train(randomArray(spec.batchSize! * 5, 50 + i, -2, 2), targetsFor(spec, spec.batchSize!, i));
  }
  return net;
}

/** The loss as forward computes the outputs (running averages for batch norm), weight decay excluded. */
function forwardLoss(net: ReturnType<typeof createNetwork>, x: number[], t: number[]): number {
  const y = Array.from(net.forward(x));
  const B = net.batchSize;
  const K = net.outputs;
  let sum = 0;
  for (let k = 0; k < y.length; k++) {
    if (net.spec.loss === "half-sse") sum += 0.5 * (y[k] - t[k]) ** 2;
    else if (net.spec.loss === "mse") sum += (y[k] - t[k]) ** 2 / K;
    else if (net.spec.loss === "bce") sum -= (t[k] * Math.log(y[k]) + (1 - t[k]) * Math.log(1 - y[k])) / K;
    else sum -= t[k] * Math.log(y[k]);
  }
  return sum / B;
}

describe.each(KERNELS)("input gradients and Jacobians (%s kernels)", (kernels) => {
  for (const [hidden, out, loss] of CASES) {
    for (const batch of [1, 3]) {
      for (const bn of batch > 1 ? [false, true] : [false]) {
        const name = `${hidden} / ${out} + ${loss}, batch ${batch}${bn ? ", batch norm at inference" : ""}`;
        const spec = specOf(hidden, out, loss, batch, kernels, bn);

        it(`inputGradient: ${name}`, () => {
          const net = prepared(spec);
          const x = randomArray(batch * 5, 9, -1.5, 1.5);
          const t = targetsFor(spec, batch, 4);
          const params = Array.from(net.params);
          const grads = Array.from(net.grads);
          const out = new Float64Array(batch * 5);
          expect(net.inputGradient(x, t, out)).toBe(true);
          expect(Array.from(net.params)).toEqual(params);
          expect(Array.from(net.grads)).toEqual(grads);
          let worst = 0;
          for (let i = 0; i < x.length; i++) {
            const up = x.slice();
            up[i] += 1e-5;
            const down = x.slice();
            down[i] -= 1e-5;
            const numeric = (forwardLoss(net, up, t) - forwardLoss(net, down, t)) / 2e-5;
            worst = Math.max(worst, relErr(out[i], numeric));
            if (!bn) {
              // without batch norm, net.loss is the same function (its weight decay does not depend on x)
              const viaLoss = (net.loss(up, t) - net.loss(down, t)) / 2e-5;
              worst = Math.max(worst, relErr(out[i], viaLoss));
            }
          }
          expect(worst).toBeLessThan(1e-6);
        });

        it(`jacobian: ${name}`, () => {
          const net = prepared(spec);
          const x = randomArray(batch * 5, 10, -1.5, 1.5);
          const J = new Float64Array(batch * 3 * 5);
          expect(net.jacobian(x, J)).toBe(true);
          let worst = 0;
          for (let s = 0; s < batch; s++) {
            for (let i = 0; i < 5; i++) {
              const up = x.slice();
              up[s * 5 + i] += 1e-5;
              const down = x.slice();
              down[s * 5 + i] -= 1e-5;
              const yu = Array.from(net.forward(up));
              const yd = Array.from(net.forward(down));
              for (let r = 0; r < batch; r++) {
                for (let k = 0; k < 3; k++) {
                  const numeric = (yu[r * 3 + k] - yd[r * 3 + k]) / 2e-5;
                  if (r === s) worst = Math.max(worst, relErr(J[(s * 3 + k) * 5 + i], numeric));
                  else expect(Math.abs(numeric)).toBeLessThan(1e-9); // samples independent at inference
                }
              }
            }
          }
          expect(worst).toBeLessThan(1e-6);
        });
      }
    }
  }

  it("refuses a non-finite x, a wrong-length target or a short view without touching the view", () => {
    const net = createNetwork(specOf("tanh", "linear", "half-sse", 1, kernels));
    const out = new Float64Array(5).fill(7);
    expect(net.inputGradient([0, 1, NaN, 0, 0], [0, 0, 0], out)).toBe(false);
    expect(net.inputGradient([0, 1, 0, 0, 0], [0, 0], out)).toBe(false);
    expect(net.jacobian([0, 1, 0, 0, 0], new Float64Array(14))).toBe(false);
    expect(Array.from(out)).toEqual([7, 7, 7, 7, 7]);
    expect(net.refusedInputs).toBe(3);
  });
});
