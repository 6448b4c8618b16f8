// Finite-difference checks through time for the recurrent (Elman) network: the analytic gradient of
// net.gradient (regular truncation = full BPTT within the segment) against central differences of
// net.loss, with a non-zero carried state, targets at every step or the last only, full and short
// segments, batch 1 and 2, on every kernel implementation. f64, h = 1e-5, per-element relative
// error |a−n| / max(|a|, |n|, 1e-4) < 1e-6 (as the dense checks). f32: h = 1e-2 and the whole
// vector, ‖a−n‖ / max(‖a‖, ‖n‖) < 5e-3 (as the dense f32 checks).
import { describe, expect, it } from "vitest";
import { createRecurrentNetwork, type RecurrentSpec } from "../../src/core/index.ts";
import { KERNELS, numericGradient, oneHot, randomArray, worstRelativeError } from "./support.ts";

interface Case {
  name: string;
  hidden: RecurrentSpec["hidden"]["activation"];
  out: RecurrentSpec["output"]["activation"];
  loss: RecurrentSpec["loss"];
  targets: "every" | "last";
}

const CASES: Case[] = [
  { name: "tanh / linear + half-sse, every step", hidden: "tanh", out: "linear", loss: "half-sse", targets: "every" },
  { name: "sigmoid / sigmoid + bce, last step", hidden: "sigmoid", out: "sigmoid", loss: "bce", targets: "last" },
  { name: "leaky-relu / softmax + ce, every step", hidden: "leaky-relu", out: "softmax", loss: "softmax-ce", targets: "every" },
  { name: "tanh / tanh + mse, last step", hidden: "tanh", out: "tanh", loss: "mse", targets: "last" },
];

function check(c: Case, batch: number, steps: number, kernels: string, precision: "f64" | "f32" = "f64"): number {
  const window = 6;
  const net = createRecurrentNetwork({
    inputs: 3,
    hidden: { units: 4, activation: c.hidden },
    output: { units: 3, activation: c.out },
    loss: c.loss,
    optimizer: { type: "sgd", learningRate: 0.1 },
    window,
    targets: c.targets,
    batchSize: batch,
    precision,
    seed: 5,
    kernels,
  });
  const init = randomArray(net.params.length, 9, -0.3, 0.3);
  for (let i = 0; i < net.params.length; i++) net.params[i] += init[i];
  net.state.set(randomArray(net.state.length, 4, -0.8, 0.8));
  const x = randomArray(steps * batch * 3, 6, -1.5, 1.5);
  const rows = c.targets === "every" ? steps * batch : batch;
  const t = c.loss === "softmax-ce" ? oneHot(rows, 3, 1) : randomArray(rows * 3, 7, 0.05, 0.95);
  const stateBefore = Array.from(net.state);
  const loss = net.gradient(x, t);
  expect(Number.isFinite(loss)).toBe(true);
  expect(Array.from(net.state)).toEqual(stateBefore);
  const analytic = Array.from(net.grads);
  const numeric = numericGradient(net, x, t, precision === "f64" ? 1e-5 : 1e-2);
  if (precision === "f64") return worstRelativeError(analytic, numeric);
  let diff = 0;
  let normA = 0;
  let normN = 0;
  for (let i = 0; i < analytic.length; i++) {
    const n = numeric[i];
    diff += (analytic[i] - n) ** 2;
    normA += analytic[i] ** 2;
    normN += n * n;
  }
  return Math.sqrt(diff / Math.max(normA, normN));
}

describe.each(KERNELS)("recurrent gradient check through time (%s kernels)", (kernels) => {
  for (const c of CASES) {
    for (const [batch, steps] of [[1, 6], [2, 6], [2, 3]] as const) {
      it(`${c.name}, batch ${batch}, ${steps} of 6 steps`, () => {
        expect(check(c, batch, steps, kernels)).toBeLessThan(1e-6);
      });
    }
    it(`f32 ${c.name}, batch 2, 6 steps`, () => {
      expect(check(c, 2, 6, kernels, "f32")).toBeLessThan(5e-3);
    });
  }
});
