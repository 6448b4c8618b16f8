// A recurrent (Elman) network unrolled over a fixed window of T steps and trained by truncated
// backpropagation through time, in one arena like Network (built once, hot methods allocate nothing
// and never throw).
//
//   h_t = act_h(W·[x_t ; h_{t−1}] + b)      W = [W_x | W_h], one matrix [H][I+H]
//   y_t = act_y(W_y·h_t + c)
//
// Sequence layout: x is step-major, [steps][batch][inputs] (1 ≤ steps ≤ T, steps = x.length /
// (batch·inputs)); targets are [steps][batch][outputs] ("every") or [batch][outputs] ("last").
// Outputs are produced at every step: net.output is [T][batch][outputs], the first steps·batch·
// outputs values valid after a call.
//
// State: net.state ([batch][H]) is h_{−1} of the next call. forward and train advance it to the last
// step's h (carried across segments); loss and gradient start from it and leave it; resetState()
// zeroes it (start of a new sequence). Gradients never flow into the state (truncation at the
// segment start).
//
// Truncation: "regular" backpropagates each call through its whole segment (truncated BPTT over
// fixed segments, Williams & Peng 1990, BPTT(h; h) with h = the segment length). "randomized" is the
// randomized truncation of Tallec & Ollivier 2017 ("Unbiasing truncated backpropagation through
// time"), as presented in Dive into Deep Learning §9.7.1 (Zhang et al.): walking back, the gradient
// carried from step t into h_{t−1} survives with probability π (= keep) and is then multiplied by
// 1/π, else it is cut; the backpropagated segment length is random (geometric), and the estimate
// of the within-segment gradient is unbiased.
//
// Parameters (net.params): W [H][I+H] row-major (per unit: I input weights, then H recurrent
// weights), b [H], W_y [O][H], c [O]. Initialisation as Network (Xavier / He uniform, seeded).
import { CoreError, CoreErrorCodes } from "./errors.ts";
import { createKernels } from "./kernels/registry.ts";
import type { Kernels } from "./kernels/types.ts";
import { ALIGN_BYTES, PAGE_BYTES, SCRATCH_SLOTS, STATS_DOUBLES } from "./layout.ts";
import { deltaIsPreActivation, lossCode, outputLoss } from "./losses.ts";
import type { Real } from "./network.ts";
import { type RecurrentSpec, type ResolvedRecurrentSpec, resolveRecurrentSpec } from "./recurrent-spec.ts";
import { Rng } from "./rng.ts";
import type { Activation } from "./spec.ts";
import { MAX_PAGES, STAT_LAST_LOSS, STAT_LOSS, TrainStep, actCode } from "./train-step.ts";

interface RecurrentLayout {
  elementBytes: number;
  paramCount: number;
  params: number;
  grads: number;
  state: number[];
  /** Element offsets; see the constructor for shapes. */
  w: number; b: number; wy: number; c: number;
  dw: number; db: number; dwy: number; dc: number;
  u: number; zh: number; ah: number; dzh: number;
  zo: number; ao: number; dzo: number; t: number;
  du: number; h0: number; scratch: number;
  statsByte: number;
  bytes: number;
  pages: number;
}

function planRecurrent(s: ResolvedRecurrentSpec): RecurrentLayout {
  const elementBytes = s.dense.precision === "f64" ? 8 : 4;
  let cursor = 0;
  const region = (elements: number): number => {
    const start = Math.ceil(cursor / ALIGN_BYTES) * ALIGN_BYTES;
    cursor = start + elements * elementBytes;
    return start / elementBytes;
  };
  const I = s.inputs, H = s.hidden.units, O = s.output.units, B = s.dense.batchSize, T = s.window;
  const nU = I + H;
  const paramCount = H * nU + H + O * H + O;
  const params = region(paramCount);
  const grads = region(paramCount);
  const o = s.dense.optimizer;
  const slots = o.type === "adam" ? 2 : o.momentum > 0 ? 1 : 0;
  const state: number[] = [];
  for (let i = 0; i < slots; i++) state.push(region(paramCount));
  const at = (base: number) => ({ w: base, b: base + H * nU, wy: base + H * nU + H, c: base + H * nU + H + O * H });
  const p = at(params), g = at(grads);
  const layout = {
    elementBytes, paramCount, params, grads, state,
    w: p.w, b: p.b, wy: p.wy, c: p.c, dw: g.w, db: g.b, dwy: g.wy, dc: g.c,
    u: region(T * B * nU), zh: region(T * B * H), ah: region(T * B * H), dzh: region(T * B * H),
    zo: region(T * B * O), ao: region(T * B * O), dzo: region(T * B * O), t: region(T * B * O),
    du: region(B * nU), h0: region(B * H), scratch: region(SCRATCH_SLOTS),
    statsByte: 0, bytes: 0, pages: 0,
  };
  layout.statsByte = region((STATS_DOUBLES * 8) / elementBytes) * elementBytes;
  layout.bytes = Math.ceil(cursor / ALIGN_BYTES) * ALIGN_BYTES;
  layout.pages = Math.max(1, Math.ceil(layout.bytes / PAGE_BYTES));
  return layout;
}

export class RecurrentNetwork {
  readonly spec: ResolvedRecurrentSpec;
  readonly memory: WebAssembly.Memory;
  readonly arena: Real;
  /** W [H][I+H], b [H], W_y [O][H], c [O]. Writable. */
  readonly params: Real;
  /** Same layout; after gradient: d(loss)/d(params) summed through time; after train: what was applied. */
  readonly grads: Real;
  readonly optimizerState: Real[];
  /** [T][batch][outputs]; the first steps·batch·outputs values are the last call's outputs. */
  readonly output: Real;
  /** The carried hidden state [batch][H] (h_{−1} of the next call). Writable. */
  readonly state: Real;
  readonly bytes: number;
  readonly kernelName: string;
  readonly batchSize: number;
  readonly inputs: number;
  readonly hiddenUnits: number;
  readonly outputs: number;
  readonly window: number;

  /** Optimizer steps applied. */
  steps = 0;
  refusedInputs = 0;
  rolledBackSteps = 0;
  /** Times the randomized truncation cut the backward pass (always 0 for "regular"). */
  get truncations(): number {
    return this.counters[1];
  }

  get lastLoss(): number {
    return this.stats[STAT_LAST_LOSS];
  }

  private readonly L: RecurrentLayout;
  private readonly k: Kernels;
  private readonly stats: Float64Array;
  private readonly step: TrainStep;
  private readonly actH: number;
  private readonly actY: number;
  private readonly softmaxOut: boolean;
  private readonly lossCode: number;
  private readonly fusedDelta: boolean;
  private readonly lastOnly: boolean;
  /** keep·2^32 for randomized truncation; 2^32 (never cut) for regular. */
  private readonly keepThreshold: number;
  private readonly keepInverse: number;
  /** [0] xorshift32 state of the truncation draws, [1] cuts so far. */
  private readonly counters = new Uint32Array(2);

  constructor(spec: ResolvedRecurrentSpec) {
    this.spec = spec;
    const L = planRecurrent(spec);
    this.L = L;
    if (L.pages > MAX_PAGES) {
      throw new CoreError(CoreErrorCodes.ARENA, `arena needs ${L.bytes} bytes, a WebAssembly memory holds at most ${MAX_PAGES * PAGE_BYTES}`, { requested: L.bytes });
    }
    this.memory = new WebAssembly.Memory({ initial: L.pages, maximum: L.pages });
    const d = spec.dense;
    const f64 = d.precision === "f64";
    this.arena = f64 ? new Float64Array(this.memory.buffer) : new Float32Array(this.memory.buffer);
    const view = (o: number, n: number): Real => this.arena.subarray(o, o + n);
    this.batchSize = d.batchSize;
    this.inputs = spec.inputs;
    this.hiddenUnits = spec.hidden.units;
    this.outputs = spec.output.units;
    this.window = spec.window;
    this.params = view(L.params, L.paramCount);
    this.grads = view(L.grads, L.paramCount);
    this.optimizerState = L.state.map((o) => view(o, L.paramCount));
    this.output = view(L.ao, spec.window * this.batchSize * this.outputs);
    this.state = view(L.h0, this.batchSize * this.hiddenUnits);
    this.bytes = L.bytes;
    this.stats = new Float64Array(this.memory.buffer, L.statsByte, STATS_DOUBLES);
    this.actH = actCode(spec.hidden.activation);
    this.actY = actCode(spec.output.activation);
    this.softmaxOut = spec.output.activation === "softmax";
    this.lossCode = lossCode(d.loss);
    this.fusedDelta = deltaIsPreActivation(this.lossCode);
    this.lastOnly = spec.targets === "last";
    const keep = spec.truncation.type === "randomized" ? spec.truncation.keep : 1;
    this.keepThreshold = keep * 4294967296;
    this.keepInverse = 1 / keep;
    this.counters[0] = (d.seed ^ 0x9e3779b9) >>> 0 || 1;
    const { name, kernels } = createKernels(d.kernels, this.memory, d.precision);
    this.kernelName = name;
    this.k = kernels;
    this.step = new TrainStep(kernels, this.arena, this.stats, L.statsByte, L, d);
    this.init();
  }

  private init(): void {
    const rng = new Rng(this.spec.dense.seed);
    const { L, arena: m } = this;
    const I = this.inputs, H = this.hiddenUnits, O = this.outputs;
    const limit = (act: Activation, fanIn: number, fanOut: number) =>
      act === "relu" || act === "leaky-relu" ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    const lh = limit(this.spec.hidden.activation, I + H, H);
    for (let k = 0; k < H * (I + H); k++) m[L.w + k] = rng.uniform(lh);
    const ly = limit(this.spec.output.activation, H, O);
    for (let k = 0; k < O * H; k++) m[L.wy + k] = rng.uniform(ly);
  }

  /** Zeroes the carried state: the next call starts a new sequence. */
  resetState(): void {
    this.state.fill(0);
  }

  /** Changes the learning rate from the next step on (false, ignored, unless finite and > 0). */
  setLearningRate(lr: number): boolean {
    return this.step.setLearningRate(lr);
  }

  /** Runs the steps of x from the carried state and advances it. Returns the output view; a refused
   *  x yields NaN outputs and leaves the state. */
  forward(x: ArrayLike<number>): Real {
    const n = this.stage(x, null);
    if (n === 0) {
      this.refusedInputs++;
      this.output.fill(NaN);
      return this.output;
    }
    this.forwardStaged(n);
    this.carry(n);
    return this.output;
  }

  /** Loss of (x, target) from the carried state; changes nothing (not even the state). NaN if refused. */
  loss(x: ArrayLike<number>, target: ArrayLike<number>): number {
    const n = this.stage(x, target);
    if (n === 0) {
      this.refusedInputs++;
      return NaN;
    }
    this.forwardStaged(n);
    this.lossAndOutputDelta(n, false);
    return this.stats[STAT_LOSS];
  }

  /** Fills grads (summed through time, truncated as configured, no clipping) and returns the loss;
   *  changes no parameter and not the state. NaN (grads untouched) if refused. */
  gradient(x: ArrayLike<number>, target: ArrayLike<number>): number {
    const n = this.stage(x, target);
    if (n === 0) {
      this.refusedInputs++;
      return NaN;
    }
    this.forwardStaged(n);
    this.backwardStaged(n);
    return this.stats[STAT_LOSS];
  }

  /** gradient + clipping + optimizer step, then the state advances to the segment's last h (also
   *  when the step is rolled back). True when applied; the loss is in lastLoss. */
  train(x: ArrayLike<number>, target: ArrayLike<number>): boolean {
    const n = this.stage(x, target);
    if (n === 0) {
      this.refusedInputs++;
      return false;
    }
    this.forwardStaged(n);
    this.backwardStaged(n);
    this.carry(n);
    const loss = this.stats[STAT_LOSS];
    this.stats[STAT_LAST_LOSS] = loss;
    const { grads, paramCount, scratch } = this.L;
    this.k.sumSquares(grads, paramCount, scratch);
    const sq = this.arena[scratch];
    if (loss - loss !== 0 || !(sq < this.step.gradLimit)) {
      this.rolledBackSteps++;
      return false;
    }
    if (this.spec.dense.clipNorm > 0) this.step.clip();
    this.steps++;
    this.step.applyOptimizer(this.steps);
    return true;
  }

  /** Validates and copies x (into each step's input rows) and the target; returns the step count,
   *  0 when refused (arena untouched). */
  private stage(x: ArrayLike<number>, t: ArrayLike<number> | null): number {
    const B = this.batchSize, I = this.inputs, H = this.hiddenUnits, O = this.outputs;
    const per = B * I;
    const n = x.length / per;
    if (!(n >= 1 && n <= this.window && n === Math.floor(n))) return 0;
    const nt = this.lastOnly ? B * O : n * B * O;
    if (!this.step.fits(x, x.length) || (t !== null && (t.length !== nt || !this.step.fits(t, nt)))) return 0;
    const m = this.arena;
    const nU = I + H;
    for (let r = 0; r < n * B; r++) {
      const row = this.L.u + r * nU;
      for (let i = 0; i < I; i++) m[row + i] = x[r * I + i];
    }
    if (t !== null) {
      const ot = this.L.t;
      for (let i = 0; i < nt; i++) m[ot + i] = t[i];
    }
    return n;
  }

  private forwardStaged(n: number): void {
    const { k, L, arena: m } = this;
    const B = this.batchSize, I = this.inputs, H = this.hiddenUnits, O = this.outputs;
    const nU = I + H;
    for (let t = 0; t < n; t++) {
      const u = L.u + t * B * nU;
      const prev = t === 0 ? L.h0 : L.ah + (t - 1) * B * H;
      for (let s = 0; s < B; s++) {
        const row = u + s * nU + I;
        const h = prev + s * H;
        for (let j = 0; j < H; j++) m[row + j] = m[h + j];
      }
      k.denseForward(L.w, L.b, u, L.zh + t * B * H, H, nU, B);
      k.activationForward(this.actH, L.zh + t * B * H, L.ah + t * B * H, H * B);
    }
    k.denseForward(L.wy, L.c, L.ah, L.zo, O, H, n * B);
    if (this.softmaxOut) k.softmaxForward(L.zo, L.ao, O, n * B);
    else k.activationForward(this.actY, L.zo, L.ao, O * n * B);
  }

  /** Loss into stats; with delta, dL/dz of the output layer of the scored steps into dzo. */
  private lossAndOutputDelta(n: number, delta: boolean): void {
    const L = this.L;
    const B = this.batchSize, O = this.outputs;
    if (this.lastOnly) {
      const at = (n - 1) * B * O;
      outputLoss(this.lossCode, this.arena, L.zo + at, L.ao + at, L.t, delta ? L.dzo + at : -1, O, B, this.stats, STAT_LOSS);
      if (delta && !this.fusedDelta) this.k.activationBackward(this.actY, L.zo + at, L.ao + at, L.dzo + at, L.dzo + at, O * B);
    } else {
      outputLoss(this.lossCode, this.arena, L.zo, L.ao, L.t, delta ? L.dzo : -1, O, n * B, this.stats, STAT_LOSS);
      if (delta && !this.fusedDelta) this.k.activationBackward(this.actY, L.zo, L.ao, L.dzo, L.dzo, O * n * B);
    }
  }

  private backwardStaged(n: number): void {
    const { k, L, arena: m } = this;
    const B = this.batchSize, I = this.inputs, H = this.hiddenUnits, O = this.outputs;
    const nU = I + H;
    this.lossAndOutputDelta(n, true);
    // Output layer gradients and dL/dh_t from the outputs, into dzh.
    if (this.lastOnly) {
      const last = n - 1;
      k.denseGrad(L.dzo + last * B * O, L.ah + last * B * H, L.dwy, L.dc, O, H, B);
      m.fill(0, L.dzh, L.dzh + last * B * H);
      k.denseBackInput(L.wy, L.dzo + last * B * O, L.dzh + last * B * H, O, H, B);
    } else {
      k.denseGrad(L.dzo, L.ah, L.dwy, L.dc, O, H, n * B);
      k.denseBackInput(L.wy, L.dzo, L.dzh, O, H, n * B);
    }
    // Through time: dzh_t = f'(zh_t)·(dL/dh_t from y_t + carried from step t+1).
    const c = this.counters;
    let carrying = false;
    let factor = 1;
    for (let t = n - 1; t >= 0; t--) {
      const dz = L.dzh + t * B * H;
      if (carrying) {
        for (let s = 0; s < B; s++) {
          const from = L.du + s * nU + I;
          const to = dz + s * H;
          for (let j = 0; j < H; j++) m[to + j] += factor * m[from + j];
        }
      }
      k.activationBackward(this.actH, L.zh + t * B * H, L.ah + t * B * H, dz, dz, H * B);
      carrying = false;
      if (t > 0) {
        // xorshift32 draw: does the gradient pass from h_t's step into h_{t−1}?
        let r = c[0];
        r ^= r << 13;
        r ^= r >>> 17;
        r ^= r << 5;
        c[0] = r;
        if (c[0] < this.keepThreshold) {
          k.denseBackInput(L.w, dz, L.du, H, nU, B);
          carrying = true;
          factor = this.keepInverse;
        } else {
          c[1]++;
        }
      }
    }
    // All steps at once: dW = Σ_t dzh_t·u_tᵀ (the steps are contiguous rows).
    k.denseGrad(L.dzh, L.u, L.dw, L.db, H, nU, n * B);
  }

  /** The last step's h becomes the carried state. */
  private carry(n: number): void {
    const L = this.L;
    const from = L.ah + (n - 1) * this.batchSize * this.hiddenUnits;
    this.arena.copyWithin(L.h0, from, from + this.batchSize * this.hiddenUnits);
  }
}

/** Builds a recurrent network (validated here; throws CoreError EP_ERR_CORE_SPEC naming the field). */
export function createRecurrentNetwork(spec: RecurrentSpec): RecurrentNetwork {
  return new RecurrentNetwork(resolveRecurrentSpec(spec));
}
