// The parts of a training step that Network and RecurrentNetwork share: the stats slots, activation
// codes, the input value check, gradient clipping, the optimizer step and the learning-rate change.
// One TrainStep per network, built in its constructor over that network's arena; the hot methods
// allocate nothing and never throw. Doubles (the clip factor, bias corrections) go through the
// stats slots or are read inside, never passed or returned across calls (that could box them).
import { ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, type Kernels } from "./kernels/types.ts";
import type { Real } from "./network.ts";
import type { ResolvedSpec, Activation } from "./spec.ts";

/** Most pages a WebAssembly.Memory may have (4 GiB of 64 KiB pages). */
export const MAX_PAGES = 65536;
/** Slots of a network's stats (Float64Array over the arena, STATS_DOUBLES long). */
export const STAT_LOSS = 0;
export const STAT_PENALTY = 1;
export const STAT_LAST_LOSS = 2;
/** Optimizer parameters for the *At kernels: sgd lr, momentum, nesterov; adam lr, β1, β2, ε, bc1, bc2. */
export const STAT_OPT = 4;
/** Clipping factor for scaleAt. */
export const STAT_CLIP = 10;

/** Kernel code of an activation; softmax maps to linear (softmax layers use softmaxForward instead). */
export function actCode(a: Activation): number {
  switch (a) {
    case "sigmoid":
      return ACT_SIGMOID;
    case "tanh":
      return ACT_TANH;
    case "relu":
      return ACT_RELU;
    case "leaky-relu":
      return ACT_LEAKY_RELU;
    default:
      return ACT_LINEAR;
  }
}

/** Element offsets in the arena of the regions the step works on (both layouts have them). */
export interface TrainRegions {
  params: number;
  grads: number;
  paramCount: number;
  /** Optimizer state regions: sgd+momentum [velocity], adam [m, v], plain sgd none. */
  state: number[];
  /** First scratch slot; clip() expects Σgrads² there. */
  scratch: number;
}

export class TrainStep {
  /** Largest |value| the arena's precision holds (f32: FLT_MAX). */
  readonly maxAbsInput: number;
  /** Bound above which a gradient entry could overflow. */
  readonly gradLimit: number;
  /** Whether the kernels offer the *At forms (decided at build; see kernels/types.ts). */
  readonly slotKernels: boolean;
  private readonly k: Kernels;
  private readonly arena: Real;
  private readonly stats: Float64Array;
  /** Index of stats[0] in a Float64Array over the whole arena (what the *At kernels take). */
  private readonly statsIndex: number;
  /** The network's training spec (Network: its spec; RecurrentNetwork: spec.dense), read live. */
  private readonly spec: ResolvedSpec;
  private readonly params: number;
  private readonly grads: number;
  private readonly paramCount: number;
  private readonly state0: number;
  private readonly state1: number;
  private readonly scratch: number;

  /** Writes the optimizer's parameters into their stats slots and the last loss as NaN. */
  constructor(k: Kernels, arena: Real, stats: Float64Array, statsByte: number, r: TrainRegions, spec: ResolvedSpec) {
    this.k = k;
    this.arena = arena;
    this.stats = stats;
    this.statsIndex = statsByte / 8;
    this.spec = spec;
    this.params = r.params;
    this.grads = r.grads;
    this.paramCount = r.paramCount;
    this.state0 = r.state.length > 0 ? r.state[0] : -1;
    this.state1 = r.state.length > 1 ? r.state[1] : -1;
    this.scratch = r.scratch;
    const f64 = spec.precision === "f64";
    this.maxAbsInput = f64 ? Number.MAX_VALUE : 3.4028234663852886e38;
    this.gradLimit = f64 ? 1e300 : 1e36;
    this.slotKernels = typeof k.sgdStepAt === "function" && typeof k.adamStepAt === "function" && typeof k.scaleAt === "function";
    stats[STAT_LAST_LOSS] = NaN;
    const o = spec.optimizer;
    stats.set(o.type === "sgd" ? [o.learningRate, o.momentum, o.nesterov ? 1 : 0] : [o.learningRate, o.beta1, o.beta2, o.epsilon, 1, 1], STAT_OPT);
  }

  /** The first n values of v are each finite and representable in the arena's precision. */
  fits(v: ArrayLike<number>, n: number): boolean {
    const max = this.maxAbsInput;
    for (let i = 0; i < n; i++) if (!(Math.abs(v[i]) <= max)) return false;
    return true;
  }

  /** Scales grads to norm clipNorm when Σgrads² (already in the first scratch slot) exceeds clipNorm². */
  clip(): void {
    const clip = this.spec.clipNorm;
    const sq = this.arena[this.scratch];
    if (!(sq > clip * clip)) return;
    if (this.slotKernels) {
      this.stats[STAT_CLIP] = clip / Math.sqrt(sq);
      this.k.scaleAt!(this.grads, this.paramCount, this.statsIndex + STAT_CLIP);
    } else {
      this.k.scale(this.grads, this.paramCount, clip / Math.sqrt(sq));
    }
  }

  /** One optimizer step over params with grads; t = the network's step count including this one. */
  applyOptimizer(t: number): void {
    const o = this.spec.optimizer;
    const k = this.k;
    const h = this.statsIndex + STAT_OPT;
    const { params, grads, paramCount } = this;
    if (o.type === "sgd") {
      const v = o.momentum > 0 ? this.state0 : grads;
      if (this.slotKernels) k.sgdStepAt!(params, grads, v, paramCount, h);
      else k.sgdStep(params, grads, v, paramCount, o.learningRate, o.momentum, o.nesterov ? 1 : 0);
    } else {
      const bc1 = 1 - Math.pow(o.beta1, t);
      const bc2 = 1 - Math.pow(o.beta2, t);
      if (this.slotKernels) {
        this.stats[STAT_OPT + 4] = bc1;
        this.stats[STAT_OPT + 5] = bc2;
        k.adamStepAt!(params, grads, this.state0, this.state1, paramCount, h);
      } else {
        k.adamStep(params, grads, this.state0, this.state1, paramCount, o.learningRate, o.beta1, o.beta2, o.epsilon, bc1, bc2);
      }
    }
  }

  /** Changes the learning rate from the next step on; lr finite and > 0, else ignored (false). */
  setLearningRate(lr: number): boolean {
    if (!(lr > 0 && lr < Infinity)) return false;
    this.spec.optimizer.learningRate = lr;
    this.stats[STAT_OPT] = lr;
    return true;
  }
}
