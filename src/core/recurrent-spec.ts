// The spec of a recurrent (Elman) network, its defaults and validation (build time only).
import { type CoreError, specError } from "./errors.ts";
import type { Precision } from "./kernels/types.ts";
import { type Activation, type LossKind, type OptimizerSpec, type ResolvedSpec, resolveSpec } from "./spec.ts";

export type Truncation =
  /** Regular truncated BPTT: each call backpropagates through its whole segment, nothing earlier. */
  | { type: "regular" }
  /** Randomized truncation (see recurrent.ts): walking back through the segment, the gradient passes
   *  from step t to t−1 with probability keep (and is then scaled by 1/keep), else it stops there. */
  | { type: "randomized"; keep: number };

export interface RecurrentSpec {
  /** Inputs per step, ≥ 1. */
  inputs: number;
  /** The recurrent layer: h_t = act(W_x·x_t + W_h·h_{t−1} + b). Not softmax. */
  hidden: { units: number; activation: Exclude<Activation, "softmax"> };
  /** The output layer, applied at every step: y_t = act(W_y·h_t + c). */
  output: { units: number; activation: Activation };
  loss: LossKind;
  optimizer: OptimizerSpec;
  /** T: the most steps one call takes (the unrolled window), ≥ 1. Calls may pass 1..T steps. */
  window: number;
  /** "every" (default): a target per step, loss averaged over steps and batch; "last": one target
   *  per sequence, for the last step of the call, loss averaged over the batch. */
  targets?: "every" | "last";
  /** Default { type: "regular" }. */
  truncation?: Truncation;
  /** Global gradient-norm clipping of the gradient summed through time, 0 (default) = off. */
  clipNorm?: number;
  /** Independent sequences run side by side, default 1. */
  batchSize?: number;
  precision?: Precision;
  seed?: number;
  kernels?: string;
}

export interface ResolvedRecurrentSpec {
  inputs: number;
  hidden: { units: number; activation: Exclude<Activation, "softmax"> };
  output: { units: number; activation: Activation };
  window: number;
  targets: "every" | "last";
  truncation: Truncation;
  /** The equivalent two-layer dense spec (inputs = inputs + hidden units): loss, optimizer,
   *  clipNorm, batch, precision, seed and kernels, validated by the dense rules. */
  dense: ResolvedSpec;
}

export function resolveRecurrentSpec(spec: RecurrentSpec): ResolvedRecurrentSpec {
  if (typeof spec !== "object" || spec === null) throw specError("spec", "must be an object");
  const hidden = spec.hidden;
  if (typeof hidden !== "object" || hidden === null) throw specError("hidden", "must be { units, activation }");
  if ((hidden.activation as Activation) === "softmax") throw specError("hidden.activation", "softmax is not allowed in the recurrent layer");
  const window = spec.window;
  if (typeof window !== "number" || !Number.isInteger(window) || window < 1 || window > 1 << 16) {
    throw specError("window", `must be an integer in 1..${1 << 16}, got ${String(window)}`);
  }
  const targets = spec.targets ?? "every";
  if (targets !== "every" && targets !== "last") throw specError("targets", `must be "every" or "last", got ${String(targets)}`);
  const truncation = spec.truncation ?? { type: "regular" };
  if (truncation.type === "randomized") {
    const keep = truncation.keep;
    if (typeof keep !== "number" || !(keep > 0 && keep <= 1)) throw specError("truncation.keep", `must be in (0, 1], got ${String(keep)}`);
  } else if (truncation.type !== "regular") {
    throw specError("truncation.type", `must be "regular" or "randomized", got ${String((truncation as { type: unknown }).type)}`);
  }
  const inputs = spec.inputs;
  if (typeof inputs !== "number" || !Number.isInteger(inputs) || inputs < 1) throw specError("inputs", `must be an integer ≥ 1, got ${String(inputs)}`);
  let dense: ResolvedSpec;
  try {
    dense = resolveSpec({
      inputs: inputs + (Number.isInteger(hidden.units) && hidden.units > 0 ? hidden.units : 0),
      layers: [hidden, spec.output],
      loss: spec.loss,
      optimizer: spec.optimizer,
      clipNorm: spec.clipNorm,
      batchSize: spec.batchSize,
      precision: spec.precision,
      seed: spec.seed,
      kernels: spec.kernels,
    });
  } catch (e) {
    // Name the recurrent spec's fields, not those of the dense spec it was checked as.
    const field = String((e as CoreError).details?.field ?? "spec");
    const named = field.replace(/^layers\[0\]/, "hidden").replace(/^layers\[1\]/, "output");
    const message = (e as Error).message.replace(/^EP_ERR_CORE_SPEC: [^:]+: /, "").replace(/layers\[1\]/g, "output");
    throw specError(named, message, { value: (e as CoreError).details?.value });
  }
  const [h, o] = dense.layers;
  return {
    inputs,
    hidden: { units: h.units, activation: h.activation as Exclude<Activation, "softmax"> },
    output: { units: o.units, activation: o.activation },
    window,
    targets,
    truncation: truncation.type === "regular" ? { type: "regular" } : { type: "randomized", keep: truncation.keep },
    dense,
  };
}

/** The spec as saved in model files ("kind" tells the loaders apart). */
export function recurrentSpecForFile(s: ResolvedRecurrentSpec): RecurrentSpec & { kind: "recurrent" } {
  const d = s.dense;
  const o = d.optimizer;
  return {
    kind: "recurrent",
    inputs: s.inputs,
    hidden: { ...s.hidden },
    output: { ...s.output },
    loss: d.loss,
    optimizer:
      o.type === "sgd"
        ? { type: "sgd", learningRate: o.learningRate, momentum: o.momentum, nesterov: o.nesterov }
        : { type: "adam", learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon },
    window: s.window,
    targets: s.targets,
    truncation: { ...s.truncation },
    clipNorm: d.clipNorm,
    batchSize: d.batchSize,
    precision: d.precision,
    seed: d.seed,
  };
}
