// The network spec: what a user passes to createNetwork, its defaults, and its validation.
// Validation happens once, at build time; the hot path trusts the resolved spec.
import { specError } from "./errors.ts";
import type { Precision } from "./kernels/types.ts";

export type Activation = "linear" | "sigmoid" | "tanh" | "relu" | "leaky-relu" | "softmax";
export type LossKind = "half-sse" | "mse" | "bce" | "softmax-ce";

export const ACTIVATIONS: readonly Activation[] = ["linear", "sigmoid", "tanh", "relu", "leaky-relu", "softmax"];
export const LOSSES: readonly LossKind[] = ["half-sse", "mse", "bce", "softmax-ce"];

export interface LayerSpec {
  /** Number of units (outputs) of this layer, ≥ 1. */
  units: number;
  /** softmax only on the last layer, and only with loss "softmax-ce". */
  activation: Activation;
  /** Batch normalisation of this layer's pre-activations (Ioffe & Szegedy 2015), default false:
   *  z = W·a + b, ẑ = (z − μ)/√(σ² + 1e-5), activation(γ·ẑ + β) with learnable γ (start 1) and
   *  β (start 0) stored in params after the layer's biases. loss/gradient/train use the batch's own
   *  μ, σ² (biased); forward, inputGradient and jacobian use running averages, which only train
   *  updates (momentum 0.1: run = 0.9·run + 0.1·batch, unbiased σ²; start μ 0, σ² 1). Needs
   *  batchSize ≥ 2 to train; a batch-1 network can still run inference. */
  batchNorm?: boolean;
}

export type OptimizerSpec =
  /** momentum in [0, 1), default 0; nesterov (default false) needs momentum > 0. */
  | { type: "sgd"; learningRate: number; momentum?: number; nesterov?: boolean }
  /** Defaults beta1 0.9, beta2 0.999, epsilon 1e-8. Weight decay is added to the gradient (L2, not AdamW). */
  | { type: "adam"; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

export interface NetworkSpec {
  /** Inputs per sample, ≥ 1. */
  inputs: number;
  layers: LayerSpec[];
  /** half-sse = ½Σ(y−t)²; mse = mean over outputs of (y−t)²; bce needs a sigmoid last layer; softmax-ce a softmax one. Each averaged over the batch. */
  loss: LossKind;
  optimizer: OptimizerSpec;
  /** L2 coefficient λ on weights (not biases): adds ½λΣw² to the loss and λw to the gradient. Default 0. */
  weightDecay?: number;
  /** Global gradient-norm clipping threshold, applied in train to the whole gradient (weight decay
   *  included) just before the optimizer step; 0 (default) = off. */
  clipNorm?: number;
  /** Samples per forward/train call, default 1. */
  batchSize?: number;
  /** Element type of the whole arena, default "f64". */
  precision?: Precision;
  /** Seed of the weight initialisation (Xavier for sigmoid/tanh/linear/softmax, He for relu/leaky-relu), default 1. */
  seed?: number;
  /** Kernel implementation: "auto" (default, fastest registered, else TypeScript), "ts", or a registered name. Not saved in model files. */
  kernels?: string;
}

export interface ResolvedOptimizer {
  type: "sgd" | "adam";
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface ResolvedSpec {
  inputs: number;
  layers: LayerSpec[];
  loss: LossKind;
  optimizer: ResolvedOptimizer;
  weightDecay: number;
  clipNorm: number;
  batchSize: number;
  precision: Precision;
  seed: number;
  kernels: string;
}

const MAX_UNITS = 1 << 24;

function positiveInt(field: string, v: unknown, max = MAX_UNITS): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw specError(field, `must be an integer in 1..${max}, got ${String(v)}`, { value: v });
  }
  return v;
}

function finiteIn(field: string, v: unknown, lo: number, hi: number, loOpen: boolean, hiOpen: boolean): number {
  const ok =
    typeof v === "number" && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
  if (!ok) {
    const range = `${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`;
    throw specError(field, `must be a finite number in ${range}, got ${String(v)}`, { value: v });
  }
  return v as number;
}

function resolveOptimizer(o: unknown): ResolvedOptimizer {
  if (typeof o !== "object" || o === null) throw specError("optimizer", "must be an object { type, learningRate, ... }");
  const opt = o as Record<string, unknown>;
  const learningRate = finiteIn("optimizer.learningRate", opt.learningRate, 0, Infinity, true, true);
  if (opt.type === "sgd") {
    const momentum = finiteIn("optimizer.momentum", opt.momentum ?? 0, 0, 1, false, true);
    const nesterov = opt.nesterov ?? false;
    if (typeof nesterov !== "boolean") throw specError("optimizer.nesterov", `must be a boolean, got ${String(nesterov)}`);
    if (nesterov && momentum === 0) throw specError("optimizer.nesterov", "needs momentum > 0", { momentum });
    return { type: "sgd", learningRate, momentum, nesterov, beta1: 0, beta2: 0, epsilon: 0 };
  }
  if (opt.type === "adam") {
    const beta1 = finiteIn("optimizer.beta1", opt.beta1 ?? 0.9, 0, 1, false, true);
    const beta2 = finiteIn("optimizer.beta2", opt.beta2 ?? 0.999, 0, 1, false, true);
    const epsilon = finiteIn("optimizer.epsilon", opt.epsilon ?? 1e-8, 0, Infinity, true, true);
    return { type: "adam", learningRate, momentum: 0, nesterov: false, beta1, beta2, epsilon };
  }
  throw specError("optimizer.type", `must be "sgd" or "adam", got ${String(opt.type)}`);
}

/** Validates a spec and fills in defaults. Throws CoreError EP_ERR_CORE_SPEC naming the field. */
export function resolveSpec(spec: NetworkSpec): ResolvedSpec {
  if (typeof spec !== "object" || spec === null) throw specError("spec", "must be an object");
  const inputs = positiveInt("inputs", spec.inputs);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw specError("layers", "must be a non-empty array of { units, activation }");
  }
  const loss = spec.loss;
  if (!LOSSES.includes(loss)) throw specError("loss", `must be one of ${LOSSES.join(", ")}, got ${String(loss)}`);
  const last = spec.layers.length - 1;
  const layers = spec.layers.map((l, i): LayerSpec => {
    const units = positiveInt(`layers[${i}].units`, l?.units);
    const activation = l?.activation;
    if (!ACTIVATIONS.includes(activation)) {
      throw specError(`layers[${i}].activation`, `must be one of ${ACTIVATIONS.join(", ")}, got ${String(activation)}`);
    }
    if (activation === "softmax" && i !== last) {
      throw specError(`layers[${i}].activation`, `softmax is allowed only on the last layer (index ${last})`);
    }
    const batchNorm = l?.batchNorm ?? false;
    if (typeof batchNorm !== "boolean") throw specError(`layers[${i}].batchNorm`, `must be a boolean, got ${String(batchNorm)}`);
    return batchNorm ? { units, activation, batchNorm } : { units, activation };
  });
  const outAct = layers[last].activation;
  if (loss === "softmax-ce" && outAct !== "softmax") {
    throw specError("loss", `softmax-ce needs a softmax last layer, got ${outAct}`);
  }
  if (outAct === "softmax" && loss !== "softmax-ce") {
    throw specError(`layers[${last}].activation`, `softmax needs loss softmax-ce, got ${loss}`);
  }
  if (outAct === "softmax" && layers[last].units < 2) {
    throw specError(`layers[${last}].units`, `softmax needs at least 2 units, got ${layers[last].units}`);
  }
  if (loss === "bce" && outAct !== "sigmoid") {
    throw specError("loss", `bce needs a sigmoid last layer, got ${outAct}`);
  }
  const precision = spec.precision ?? "f64";
  if (precision !== "f64" && precision !== "f32") throw specError("precision", `must be "f64" or "f32", got ${String(precision)}`);
  const seed = spec.seed ?? 1;
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw specError("seed", `must be an integer, got ${String(seed)}`);
  const kernels = spec.kernels ?? "auto";
  if (typeof kernels !== "string" || kernels === "") throw specError("kernels", `must be "auto", "ts" or a registered name`);
  return {
    inputs,
    layers,
    loss,
    optimizer: resolveOptimizer(spec.optimizer),
    weightDecay: finiteIn("weightDecay", spec.weightDecay ?? 0, 0, Infinity, false, true),
    clipNorm: finiteIn("clipNorm", spec.clipNorm ?? 0, 0, Infinity, false, true),
    batchSize: positiveInt("batchSize", spec.batchSize ?? 1, 1 << 20),
    precision,
    seed,
    kernels,
  };
}

/** The spec as a plain object for saving: everything that defines the model, nothing host-specific. */
export function specForFile(s: ResolvedSpec): NetworkSpec {
  const o = s.optimizer;
  const optimizer: OptimizerSpec =
    o.type === "sgd"
      ? { type: "sgd", learningRate: o.learningRate, momentum: o.momentum, nesterov: o.nesterov }
      : { type: "adam", learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
  return {
    inputs: s.inputs,
    layers: s.layers.map((l) => (l.batchNorm ? { units: l.units, activation: l.activation, batchNorm: true } : { units: l.units, activation: l.activation })),
    loss: s.loss,
    optimizer,
    weightDecay: s.weightDecay,
    clipNorm: s.clipNorm,
    batchSize: s.batchSize,
    precision: s.precision,
    seed: s.seed,
  };
}
