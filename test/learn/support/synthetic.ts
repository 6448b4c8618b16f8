// Synthetic job streams for the learner's unit tests: inputs in the INPUT_NAMES layout drawn around
// per-input means, a judder label from a fixed rule on two inputs (with label noise), and an
// optional population shift: input means move, and the vibration-like input 30 reads twice as
// strong for the same cause (softer mounts), so the rule in input space changes too.
// Only the first SYNTHETIC_INPUTS inputs are drawn; the rest of the layout stays 0 (inputs this
// synthetic world does not exercise), so the tests' difficulty does not change when the real input
// layout grows.
import { INPUT_NAMES } from "../../../src/learn/job-inputs.ts";
import { mulberry32 } from "../../support/mulberry32.ts";

export { mulberry32 };

export interface SyntheticJob {
  x: Float64Array;
  /** True class (before label noise). */
  truth: number;
  label: number;
}


export const SYNTHETIC_INPUTS = 63;

export function syntheticJobs(n: number, seed: number, opts: { shiftAt?: number; noise?: number } = {}): SyntheticJob[] {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const out: SyntheticJob[] = [];
  for (let j = 0; j < n; j++) {
    const shifted = opts.shiftAt !== undefined && j >= opts.shiftAt;
    const x = new Float64Array(INPUT_NAMES.length);
    for (let i = 0; i < SYNTHETIC_INPUTS; i++) x[i] = 10 * (i % 7) + normal() * (1 + (i % 3)) + (shifted && i % 2 === 0 ? 2.5 : 0);
    // LRO-like input 0 (µm) and a vibration-like input 30.
    x[0] = (shifted ? 55 : 40) + 25 * normal();
    x[30] = (shifted ? 1 : 0) + normal();
    const truth = (x[0] - 50) / 15 + (shifted ? 0.5 * x[30] - 1.5 : x[30]) > 0 ? 1 : 0;
    const label = rnd() < (opts.noise ?? 0.05) ? 1 - truth : truth;
    out.push({ x, truth, label });
  }
  return out;
}
