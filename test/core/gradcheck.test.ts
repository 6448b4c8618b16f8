// Finite-difference gradient checks: the analytic gradient (net.gradient) against central
// differences of net.loss, for every activation, every loss, batch sizes 1 and 3, with and without
// weight decay, on every registered kernel implementation.
//
// f64: h = 1e-5, per-element relative error |a−n| / max(|a|, |n|, 1e-4) < 1e-6 (elements below 1e-4
//      are held to an absolute error of 1e-10).
// f32: parameters and activations are stored in float32 (about 7 digits), so differences need a
//      large step: h = 1e-2, and the check is on the whole vector: ‖a−n‖ / max(‖a‖, ‖n‖) < 5e-3
//      (observed ≤ 1e-4 for smooth activations, 1.1e-3 where a relu kink lies within h).
import { describe, expect, it } from "vitest";
import type { Activation, LossKind, NetworkSpec } from "../../src/core/index.ts";
import { createNetwork, KERNELS, numericGradient, randomArray, targetsFor, worstRelativeError } from "./support.ts";

interface Case {
  name: string;
  hidden: Activation[];
  out: Activation;
  loss: LossKind;
}

const HIDDEN: Activation[] = ["linear", "sigmoid", "tanh", "relu", "leaky-relu"];
const CASES: Case[] = [
  ...HIDDEN.map((a): Case => ({ name: `hidden ${a}`, hidden: [a, a], out: "linear", loss: "half-sse" })),
  ...(["linear", "sigmoid", "tanh", "relu", "leaky-relu"] as Activation[]).map(
    (a): Case => ({ name: `output ${a} + mse`, hidden: ["tanh"], out: a, loss: "mse" }),
  ),
  { name: "sigmoid + half-sse", hidden: ["sigmoid"], out: "sigmoid", loss: "half-sse" },
  { name: "sigmoid + bce", hidden: ["relu"], out: "sigmoid", loss: "bce" },
  { name: "softmax + softmax-ce", hidden: ["leaky-relu"], out: "softmax", loss: "softmax-ce" },
];

function specOf(c: Case, batchSize: number, weightDecay: number, precision: "f64" | "f32", kernels: string): NetworkSpec {
  return {
    inputs: 4,
    layers: [...c.hidden.map((activation) => ({ units: 5, activation })), { units: 3, activation: c.out }],
    loss: c.loss,
    optimizer: { type: "sgd", learningRate: 0.1 },
    weightDecay,
    batchSize,
    precision,
    seed: 3,
    kernels,
  };
}

/** Analytic and numeric gradients of one network at its initial parameters. */
function gradients(spec: NetworkSpec, h: number): { analytic: number[]; numeric: number[] } {
  const net = createNetwork(spec);
  // Biases start at 0; move them so their gradients and relu kinks are exercised too.
  const init = randomArray(net.params.length, 11, -0.5, 0.5);
  for (let i = 0; i < net.params.length; i++) net.params[i] += init[i] * 0.3;
  const x = randomArray(spec.batchSize! * spec.inputs, 5, -1.5, 1.5);
  const t = targetsFor(spec, spec.batchSize!, 2);
  const loss = net.gradient(x, t);
  expect(Number.isFinite(loss)).toBe(true);
  const analytic = Array.from(net.grads);
  return { analytic, numeric: numericGradient(net, x, t, h) };
}

describe.each(KERNELS)("gradient check (%s kernels)", (kernels) => {
  for (const c of CASES) {
    for (const batch of [1, 3]) {
      for (const decay of [0, 0.05]) {
        it(`f64 ${c.name}, batch ${batch}, weight decay ${decay}`, () => {
          const { analytic, numeric } = gradients(specOf(c, batch, decay, "f64", kernels), 1e-5);
          expect(worstRelativeError(analytic, numeric)).toBeLessThan(1e-6);
        });
      }
      it(`f32 ${c.name}, batch ${batch}`, () => {
        const { analytic, numeric } = gradients(specOf(c, batch, 0.05, "f32", kernels), 1e-2);
        const diff = Math.hypot(...analytic.map((a, i) => a - numeric[i]));
        const norm = Math.max(Math.hypot(...analytic), Math.hypot(...numeric));
        expect(diff / norm).toBeLessThan(5e-3);
      });
    }
  }
});
