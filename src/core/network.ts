// A network: one arena, views into it, and the four hot methods (forward, loss, gradient, train).
// Everything is allocated in the constructor; the hot methods index into the arena, call kernels,
// never throw and never allocate. Bad input is refused at the boundary and counted.
import { bnBackwardInfer, bnBackwardTrain, bnForwardInfer, bnForwardTrain, bnUpdateRunning } from "./batchnorm.ts";
import { CoreError, CoreErrorCodes } from "./errors.ts";
import { initParams } from "./init.ts";
import { createKernels } from "./kernels/registry.ts";
import type { Kernels } from "./kernels/types.ts";
import { type Layout, PAGE_BYTES, STATS_DOUBLES, planLayout } from "./layout.ts";
import { deltaIsPreActivation, lossCode, outputLoss } from "./losses.ts";
import { type NetworkSpec, type ResolvedSpec, resolveSpec } from "./spec.ts";
import { MAX_PAGES, STAT_LAST_LOSS, STAT_LOSS, STAT_PENALTY, TrainStep, actCode } from "./train-step.ts";

export type Real = Float64Array | Float32Array;

export class Network {
  readonly spec: ResolvedSpec;
  readonly layout: Layout;
  /** The arena's memory; its buffer never grows (maximum = initial), so views never detach. */
  readonly memory: WebAssembly.Memory;
  /** One view of the whole arena in the network's precision (what kernel offsets index). */
  readonly arena: Real;
  /** All parameters: per layer weights [unit][input] row-major, then biases [unit]. Writable. */
  readonly params: Real;
  /** Gradients, same layout as params; after train: the gradient applied (with decay and clipping). */
  readonly grads: Real;
  /** Optimizer state regions (sgd+momentum: [velocity]; adam: [m, v]), same layout as params. */
  readonly optimizerState: Real[];
  /** Outputs of the last forward/loss/gradient/train, [batch][outputs]. */
  readonly output: Real;
  /** Running statistics of the batch-normalised layers, per such layer mean [units] then variance
   *  [units] (empty without batch norm). Saved in model files; writable. */
  readonly normState: Real;
  /** Exact bytes of the laid-out arena (all regions, 16-byte aligned). */
  readonly bytes: number;
  readonly kernelName: string;
  readonly batchSize: number;
  readonly inputs: number;
  readonly outputs: number;

  /** Optimizer steps applied (Adam's t). Refused steps do not count. */
  steps = 0;
  /** Calls refused because x or target had the wrong length or a non-finite (or, for f32, out-of-range) value. */
  refusedInputs = 0;
  /** train calls whose loss was non-finite or whose gradient could overflow (see gradsBounded):
   *  nothing was applied, so params and optimizer state are the last good ones. */
  rolledBackSteps = 0;

  /** Loss of the last train call that passed the input guards (NaN before the first), including the
   *  weight-decay penalty; non-finite when that step was rolled back for it.
   *  Kept in the arena, not in a field: storing a double into an object field can allocate. */
  get lastLoss(): number {
    return this.stats[STAT_LAST_LOSS];
  }

  private readonly k: Kernels;
  private readonly stats: Float64Array;
  private readonly step: TrainStep;
  private readonly acts: Int32Array;
  private readonly hasNorm: boolean;
  private readonly softmaxOut: boolean;
  private readonly lossCode: number;
  private readonly fusedDelta: boolean;

  constructor(spec: ResolvedSpec) {
    this.spec = spec;
    const layout = planLayout(spec);
    this.layout = layout;
    if (layout.pages > MAX_PAGES) {
      throw new CoreError(CoreErrorCodes.ARENA, `arena needs ${layout.bytes} bytes, a WebAssembly memory holds at most ${MAX_PAGES * PAGE_BYTES}`, {
        requested: layout.bytes,
        available: MAX_PAGES * PAGE_BYTES,
      });
    }
    try {
      this.memory = new WebAssembly.Memory({ initial: layout.pages, maximum: layout.pages });
    } catch (e) {
      throw new CoreError(CoreErrorCodes.ARENA, `could not allocate ${layout.pages} pages for ${layout.bytes} bytes: ${(e as Error).message}`, {
        requested: layout.bytes,
      });
    }
    const f64 = spec.precision === "f64";
    this.arena = f64 ? new Float64Array(this.memory.buffer) : new Float32Array(this.memory.buffer);
    const view = (offset: number, length: number): Real => this.arena.subarray(offset, offset + length);
    this.params = view(layout.params, layout.paramCount);
    this.grads = view(layout.grads, layout.paramCount);
    this.optimizerState = layout.state.map((o) => view(o, layout.paramCount));
    const last = layout.layers[layout.layers.length - 1];
    this.output = view(last.a, spec.batchSize * last.nOut);
    this.normState = layout.norm >= 0 ? view(layout.norm, layout.normCount) : this.arena.subarray(0, 0);
    this.hasNorm = layout.norm >= 0;
    this.stats = new Float64Array(this.memory.buffer, layout.statsByte, STATS_DOUBLES);
    this.bytes = layout.bytes;
    this.batchSize = spec.batchSize;
    this.inputs = spec.inputs;
    this.outputs = last.nOut;
    this.acts = Int32Array.from(spec.layers, (l) => actCode(l.activation));
    this.softmaxOut = spec.layers[spec.layers.length - 1].activation === "softmax";
    this.lossCode = lossCode(spec.loss);
    this.fusedDelta = deltaIsPreActivation(this.lossCode);
    const { name, kernels } = createKernels(spec.kernels, this.memory, spec.precision);
    this.kernelName = name;
    this.k = kernels;
    this.step = new TrainStep(kernels, this.arena, this.stats, layout.statsByte, layout, spec);
    initParams(spec, layout, this.arena);
  }

  /** Runs the network on x ([batch][inputs], sample-major). Returns the output view ([batch][outputs]);
   *  a refused x yields outputs of NaN. The view is overwritten by the next call. Batch-normalised
   *  layers use their running averages here (inference). */
  forward(x: ArrayLike<number>): Real {
    if (!this.stage(x, null)) {
      this.refusedInputs++;
      this.output.fill(NaN);
      return this.output;
    }
    this.forwardStaged(false);
    return this.output;
  }

  /** Loss for (x, target) without changing parameters, gradients or optimizer state; NaN if refused.
   *  Batch-normalised layers use the batch's own statistics (training mode, as gradient and train). */
  loss(x: ArrayLike<number>, target: ArrayLike<number>): number {
    if (!this.stage(x, target)) {
      this.refusedInputs++;
      return NaN;
    }
    this.forwardStaged(true);
    const L = this.layout.layers[this.layout.layers.length - 1];
    outputLoss(this.lossCode, this.arena, L.zn, L.a, this.layout.t, -1, L.nOut, this.batchSize, this.stats, STAT_LOSS);
    if (this.spec.weightDecay > 0) this.decay(false);
    return this.stats[STAT_LOSS] + (this.spec.weightDecay > 0 ? this.stats[STAT_PENALTY] : 0);
  }

  /** Fills grads with d(loss)/d(params) (weight decay included, no clipping) and returns the loss;
   *  changes no parameter. NaN (grads untouched) if the input is refused. */
  gradient(x: ArrayLike<number>, target: ArrayLike<number>): number {
    if (!this.stage(x, target)) {
      this.refusedInputs++;
      return NaN;
    }
    this.forwardStaged(true);
    this.backwardStaged();
    return this.stats[STAT_LOSS];
  }

  /** gradient + optimizer step. True when applied; false when refused (input) or rolled back
   *  (non-finite loss or gradient: nothing applied). The loss is in lastLoss. */
  train(x: ArrayLike<number>, target: ArrayLike<number>): boolean {
    if (!this.stage(x, target)) {
      this.refusedInputs++;
      return false;
    }
    this.forwardStaged(true);
    this.backwardStaged();
    const loss = this.stats[STAT_LOSS];
    this.stats[STAT_LAST_LOSS] = loss;
    if (loss - loss !== 0 || !this.gradsBounded()) {
      this.rolledBackSteps++;
      return false;
    }
    if (this.spec.clipNorm > 0) {
      const { grads, paramCount, scratch } = this.layout;
      this.k.sumSquares(grads, paramCount, scratch);
      this.step.clip();
    }
    this.steps++;
    this.step.applyOptimizer(this.steps);
    if (this.hasNorm) this.updateRunningStats();
    return true;
  }

  /**
   * ∂loss/∂x for (x, target) into out ([batch][inputs], sample-major; the caller allocates it once,
   * length ≥ batch·inputs), as forward sees the network (batch norm with running averages). Weight
   * decay does not depend on x. Changes no parameter and no gradient. False (out untouched) when x
   * or target is refused or out is too short. The loss itself: net.loss(x, target).
   */
  inputGradient(x: ArrayLike<number>, target: ArrayLike<number>, out: Real): boolean {
    if (out.length < this.batchSize * this.inputs || !this.stage(x, target)) {
      this.refusedInputs++;
      return false;
    }
    this.forwardStaged(false);
    const L = this.layout.layers[this.layout.layers.length - 1];
    outputLoss(this.lossCode, this.arena, L.zn, L.a, this.layout.t, L.dz, L.nOut, this.batchSize, this.stats, STAT_LOSS);
    if (!this.fusedDelta) this.k.activationBackward(this.acts[this.acts.length - 1], L.zn, L.a, L.dz, L.dz, L.nOut * this.batchSize);
    this.backToInput(out, 0, this.inputs);
    return true;
  }

  /**
   * Output Jacobian ∂y/∂x of the outputs as forward computes them, into out laid out
   * [batch][outputs][inputs]: out[(s·outputs + k)·inputs + i] = ∂y[s][k]/∂x[s][i] (samples are
   * independent at inference, so cross-sample entries are all zero and not stored). The caller
   * allocates out once (length ≥ batch·outputs·inputs). One backward pass per output unit. Changes
   * no parameter and no gradient. False (out untouched) when x is refused or out is too short.
   */
  jacobian(x: ArrayLike<number>, out: Real): boolean {
    const batch = this.batchSize;
    const nIn = this.inputs;
    const nOut = this.outputs;
    if (out.length < batch * nOut * nIn || !this.stage(x, null)) {
      this.refusedInputs++;
      return false;
    }
    this.forwardStaged(false);
    const m = this.arena;
    const L = this.layout.layers[this.layout.layers.length - 1];
    for (let k = 0; k < nOut; k++) {
      // dz of the last layer for the seed e_k: ∂y_k/∂zn_j per sample.
      for (let s = 0; s < batch; s++) {
        const row = s * nOut;
        if (this.softmaxOut) {
          const yk = m[L.a + row + k];
          for (let j = 0; j < nOut; j++) m[L.dz + row + j] = yk * ((j === k ? 1 : 0) - m[L.a + row + j]);
        } else {
          for (let j = 0; j < nOut; j++) m[L.dz + row + j] = j === k ? 1 : 0;
        }
      }
      if (!this.softmaxOut) this.k.activationBackward(this.acts[this.acts.length - 1], L.zn, L.a, L.dz, L.dz, nOut * batch);
      this.backToInput(out, k * nIn, nOut * nIn);
    }
    return true;
  }

  /**
   * From the last layer's dz (w.r.t. its zn) down to ∂/∂x, at inference (no parameter gradients),
   * then copied to out[s·stride + at + i]. The input staging region receives ∂/∂x: x is no longer
   * needed once the forward pass has run.
   */
  private backToInput(out: Real, at: number, stride: number): void {
    const k = this.k;
    const layers = this.layout.layers;
    const batch = this.batchSize;
    for (let l = layers.length - 1; l >= 0; l--) {
      const C = layers[l];
      if (C.gamma >= 0) bnBackwardInfer(this.arena, C, batch);
      if (l > 0) {
        const P = layers[l - 1];
        k.denseBackInput(C.w, C.dz, P.dz, C.nOut, C.nIn, batch);
        k.activationBackward(this.acts[l - 1], P.zn, P.a, P.dz, P.dz, P.nOut * batch);
      } else {
        k.denseBackInput(C.w, C.dz, this.layout.x, C.nOut, C.nIn, batch);
      }
    }
    const m = this.arena;
    const x = this.layout.x;
    const nIn = this.inputs;
    for (let s = 0; s < batch; s++) {
      const o = s * stride + at;
      for (let i = 0; i < nIn; i++) out[o + i] = m[x + s * nIn + i];
    }
  }

  private updateRunningStats(): void {
    const layers = this.layout.layers;
    for (let l = 0; l < layers.length; l++) if (layers[l].gamma >= 0) bnUpdateRunning(this.arena, layers[l], this.batchSize);
  }

  /** Changes the optimizer's learning rate from the next step on (for schedules); lr finite and > 0,
   *  else ignored (false). Not a hot method: call it between epochs. */
  setLearningRate(lr: number): boolean {
    return this.step.setLearningRate(lr);
  }

  /** Checks x (and target, unless null) and only then copies them into the staging regions;
   *  false, with the arena untouched, when either is refused. */
  private stage(x: ArrayLike<number>, t: ArrayLike<number> | null): boolean {
    const nx = this.batchSize * this.inputs;
    const nt = this.batchSize * this.outputs;
    if (!this.valid(x, nx) || (t !== null && !this.valid(t, nt))) return false;
    const a = this.arena;
    const ox = this.layout.x;
    for (let i = 0; i < nx; i++) a[ox + i] = x[i];
    if (t !== null) {
      const ot = this.layout.t;
      for (let i = 0; i < nt; i++) a[ot + i] = t[i];
    }
    return true;
  }

  /** Exactly n values, each finite and representable in the arena's precision. */
  private valid(v: ArrayLike<number>, n: number): boolean {
    return v.length === n && this.step.fits(v, n);
  }

  /** training: batch norm with the batch's statistics (else the running averages). */
  private forwardStaged(training: boolean): void {
    const k = this.k;
    const layers = this.layout.layers;
    const batch = this.batchSize;
    const last = layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = layers[l];
      k.denseForward(L.w, L.b, L.in, L.z, L.nOut, L.nIn, batch);
      if (L.gamma >= 0) {
        if (training) bnForwardTrain(this.arena, L, batch);
        else bnForwardInfer(this.arena, L, batch);
      }
      if (l === last && this.softmaxOut) k.softmaxForward(L.zn, L.a, L.nOut, batch);
      else k.activationForward(this.acts[l], L.zn, L.a, L.nOut * batch);
    }
  }

  /** Loss into stats[LOSS] (penalty included) and gradients into grads, from staged x and t. */
  private backwardStaged(): void {
    const k = this.k;
    const layers = this.layout.layers;
    const batch = this.batchSize;
    const last = layers.length - 1;
    const L = layers[last];
    outputLoss(this.lossCode, this.arena, L.zn, L.a, this.layout.t, L.dz, L.nOut, batch, this.stats, STAT_LOSS);
    if (!this.fusedDelta) k.activationBackward(this.acts[last], L.zn, L.a, L.dz, L.dz, L.nOut * batch);
    for (let l = last; l >= 0; l--) {
      const C = layers[l];
      if (C.gamma >= 0) bnBackwardTrain(this.arena, C, batch, true);
      k.denseGrad(C.dz, C.in, C.dw, C.db, C.nOut, C.nIn, batch);
      if (l > 0) {
        const P = layers[l - 1];
        k.denseBackInput(C.w, C.dz, P.dz, C.nOut, C.nIn, batch);
        k.activationBackward(this.acts[l - 1], P.zn, P.a, P.dz, P.dz, P.nOut * batch);
      }
    }
    if (this.spec.weightDecay > 0) {
      this.decay(true);
      this.stats[STAT_LOSS] += this.stats[STAT_PENALTY];
    }
  }

  /** stats[PENALTY] = ½λΣw² over weights (not biases); with addToGrads also dw += λw. */
  private decay(addToGrads: boolean): void {
    const lambda = this.spec.weightDecay;
    const a = this.arena;
    const layers = this.layout.layers;
    let sum = 0;
    for (let l = 0; l < layers.length; l++) {
      const { w, dw, nIn, nOut } = layers[l];
      const n = nIn * nOut;
      for (let i = 0; i < n; i++) {
        const p = a[w + i];
        sum += p * p;
        if (addToGrads) a[dw + i] += lambda * p;
      }
    }
    this.stats[STAT_PENALTY] = 0.5 * lambda * sum;
  }

  /**
   * Proves every gradient entry finite without reading all of them: |dW[j][i]| ≤ Σ_s |dz||x| ≤
   * B·√(Σdz²)·√(Σx²) per layer, from two sums over the (small) delta and input regions. A bound
   * over gradLimit (or NaN) refuses the step; this is conservative, never permissive.
   */
  private gradsBounded(): boolean {
    const k = this.k;
    const layers = this.layout.layers;
    const s = this.layout.scratch;
    const a = this.arena;
    const batch = this.batchSize;
    const limit = this.step.gradLimit;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      k.sumSquares(L.dz, L.nOut * batch, s);
      k.sumSquares(L.in, L.nIn * batch, s + 1);
      const sin = a[s + 1];
      const bound = batch * Math.sqrt(a[s] * (sin > 1 ? sin : 1));
      if (!(bound < limit)) return false;
    }
    return true;
  }
}

/** Builds a network from a spec (validated here; throws CoreError EP_ERR_CORE_SPEC with the field). */
export function createNetwork(spec: NetworkSpec): Network {
  return new Network(resolveSpec(spec));
}
