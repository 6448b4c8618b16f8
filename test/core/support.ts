// Shared helpers of the core tests.
import "../../src/core/kernels/wasm/register.ts";
import { createNetwork, kernelProviderNames, type NetworkSpec, type Real } from "../../src/core/index.ts";
import { Rng } from "../../src/core/rng.ts";

/** Every kernel implementation registered and usable on this host ("ts" first); tests run on each. */
export const KERNELS = kernelProviderNames().filter((name) => {
  try {
    createNetwork({ inputs: 1, layers: [{ units: 1, activation: "linear" }], loss: "mse", optimizer: { type: "sgd", learningRate: 1 }, kernels: name });
    return true;
  } catch {
    return false;
  }
});

/** n uniform numbers in [lo, hi) from a seeded generator. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r.next());
}

/** One-hot rows for softmax targets: batch × units, class of sample s = (seed + s) % units. */
export function oneHot(batch: number, units: number, seed: number): number[] {
  const t = new Array<number>(batch * units).fill(0);
  for (let s = 0; s < batch; s++) t[s * units + ((seed + s) % units)] = 1;
  return t;
}

/** Targets fitting a loss: probabilities in (0,1) for bce/sse, one-hot for softmax-ce. */
export function targetsFor(spec: NetworkSpec, batch: number, seed: number): number[] {
  const units = spec.layers[spec.layers.length - 1].units;
  if (spec.loss === "softmax-ce") return oneHot(batch, units, seed);
  return randomArray(batch * units, seed, 0.05, 0.95);
}

/**
 * Central differences of net.loss(x, t) for each parameter in turn: (loss(p+h) − loss(p−h)) / 2h,
 * the parameter restored after each. Works for any network with params and a loss that changes
 * nothing (dense and recurrent).
 */
export function numericGradient(
  net: { params: Real; loss(x: ArrayLike<number>, t: ArrayLike<number>): number },
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  h: number,
): number[] {
  const numeric: number[] = [];
  for (let i = 0; i < net.params.length; i++) {
    const p = net.params[i];
    net.params[i] = p + h;
    const up = net.loss(x, t);
    net.params[i] = p - h;
    const down = net.loss(x, t);
    net.params[i] = p;
    numeric.push((up - down) / (2 * h));
  }
  return numeric;
}

/** Largest per-element relative error |a−n| / max(|a|, |n|, 1e-4) (entries below 1e-4 are held to
 *  an absolute error instead). */
export function worstRelativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    worst = Math.max(worst, Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), 1e-4));
  }
  return worst;
}

export { createNetwork };
