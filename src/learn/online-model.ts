// One online-learned estimator: a small network (core engine) over normalised per-job inputs,
// trained test-then-train, with a bounded replay buffer, versions and automatic rollback.
//
//   predict(x)      the estimate for inputs x (raw, INPUT_NAMES layout) with the current version;
//                   observe(x) first adds x to the normalisation statistics (no label involved).
//   learn(x, t)     a label arrived for inputs x: the sample goes into the replay buffer (FIFO, the
//                   newest `replaySize`), the network takes `newSteps` steps on it and `replaySteps`
//                   steps on buffer samples (half of them drawn from the newest `recentWindow`, so
//                   replay is weighted towards the present: that is what lets accuracy come back
//                   after the car population changes; the learning rate never decays). Every call
//                   that trains makes a new version.
//   rollback        every label's loss is measured before the model learns it (prequential); a fast
//                   running average (≈ the last 10 labels) is compared with a slow one kept over
//                   healthy stretches only. fast > factor × slow + margin means the model's running
//                   error degraded sharply since its recent updates (a burst of wrong labels, a
//                   broken sensor): the model goes back to the older of its two latest healthy
//                   checkpoints (taken every `checkpointEvery` labels while healthy, so ≥ that many
//                   labels before the trouble), the samples labelled since then leave the replay
//                   buffer (they are not replayed again), and a rollback is reported (onRollback).
//                   While the trouble lasts no checkpoint is taken, so repeated rollbacks return to
//                   the same good state. A population change raises the error far less than that.
// Binary task: sigmoid output, bce; predict gives p. Regression: linear output on the target's own
// normalised scale (a Normaliser of width 1; of ln t with targetScale "log"), half-sse; predict
// gives the target's unit.
// Allocation-free per predict/learn after construction, with any number of models in the process
// (a rollback allocates its report): test/learn/learn-gc.test.ts.
import { createNetwork, type Network } from "../core/index.ts";
import { Normaliser } from "./normaliser.ts";

export interface OnlineModelOptions {
  /** Registry kind and version prefix, e.g. "judder". */
  kind: string;
  inputs: readonly string[];
  task: "binary" | "regression";
  /** Names (a subset of `inputs`) the network reads; default all of `inputs`. The vectors given
   *  to observe/predict/learn stay in the `inputs` layout; the model picks its own. */
  use?: readonly string[];
  /** Regression only: the scale the network learns the target on (default "linear"). "log": ln t
   *  (targets must be > 0; predict gives exp of the estimate, i.e. the median of a target with
   *  multiplicative noise, which is what an absolute error rewards: Ra). */
  targetScale?: "linear" | "log";
  /** Hidden tanh units (default 16). */
  hidden?: number;
  /** Adam learning rate, constant (default 0.003). */
  learningRate?: number;
  /** Adam learning rate of a model that started from a prior (`origin` set; src/learn/prior.ts),
   *  constant (default 0.0003). The prior learned from thousands of simulator labels; full-size
   *  steps on each of the garage's few noisy labels undo more of it than they add (bench:prior-rates
   *  compares), while small ones still move it to the garage's cars. */
  priorLearningRate?: number;
  /** A model with an origin takes the small steps only while the prior earns them: while its
   *  running prequential loss (≈ the last 50 labels) is below `priorTrust` × that of the base rate
   *  (predicting the running mean of the labels; default 0.7). Otherwise, e.g. a prior made for
   *  other cars, sensors or labelling, it learns at learningRate until its loss is that low again. */
  priorTrust?: number;
  /** L2 weight decay (default 1e-4). */
  weightDecay?: number;
  /** Labelled samples kept for replay (default 256). */
  replaySize?: number;
  /** Replay steps per label (default 8). */
  replaySteps?: number;
  /** Steps on the new sample itself (default 1). */
  newSteps?: number;
  /** Replay draws from the newest `recentWindow` samples with probability `recentFraction` (default 32, 0.5). */
  recentWindow?: number;
  recentFraction?: number;
  /** Labels before the model's estimates are used (cold start; default 30). */
  minLabels?: number;
  /** Normalisation window (Normaliser; default 500). */
  normWindow?: number;
  /** Rollback guard: error factor (default 2) and
   *  margin (0.2: bce for binary, half-sse on the clamped z-scored target for regression), checkpoint spacing (10). */
  guardFactor?: number;
  guardMargin?: number;
  checkpointEvery?: number;
  /** Turn the rollback guard off (for comparison runs). */
  rollback?: boolean;
  seed?: number;
}

export interface RollbackReport {
  kind: string;
  from: number;
  to: number;
  anchorError: number;
  baseline: number;
  /** Replay samples dropped (labelled after the checkpoint). */
  dropped: number;
}

/** Weights of the fast (≈ last 10 labels) and slow (≈ last 50 healthy labels) running losses. */
const FAST = 0.1;
const SLOW = 0.02;
const FAST_SLOT = 0;
const BASE_SLOT = 1;
const PRE_SLOT = 2;
const OUT_SLOT = 3;
/** Running prequential losses of the model and of the base rate, the base rate (running mean of
 *  the staged targets) and the label count behind them (priorTrust). */
const TRUST_MODEL = 4;
const TRUST_BASE = 5;
const TRUST_MEAN = 6;
const TRUST_N = 7;

interface Checkpoint {
  params: Float64Array;
  opt: Float64Array[];
  steps: number;
  version: number;
  labelSeq: number;
  valid: boolean;
}

export class OnlineModel {
  readonly kind: string;
  readonly inputs: readonly string[];
  readonly task: "binary" | "regression";
  readonly net: Network;
  readonly norm: Normaliser;
  /** Regression only: the target's statistics. */
  readonly targetNorm: Normaliser;
  readonly opts: Required<Omit<OnlineModelOptions, "kind" | "inputs" | "task" | "use">>;
  /** The names the network reads (OnlineModelOptions.use), and their indices in `inputs`. */
  readonly used: readonly string[];
  private readonly pick: Int32Array;
  /** Regression on ln t (targetScale "log"). */
  private readonly logTarget: boolean;
  /** The picked inputs of the current call. */
  private readonly xPick: Float64Array;
  /** Model version: +1 for every update, back to a checkpoint's on rollback. */
  version = 0;
  /** Labels learned (all time, also those later dropped by a rollback). */
  labels = 0;
  rollbacks = 0;
  /** The name of the state this model started from when it was not made by its own updates: a
   *  prior's version (src/learn/prior.ts), e.g. "prior-sim-2026-11-29-abc1234-s1001-1003". Kept in
   *  the model file; versionName() gives it while the model has made no update of its own. Setting
   *  it sets the learning rate: priorLearningRate for a model with an origin, else learningRate. */
  get origin(): string | null {
    return this.originName;
  }
  set origin(name: string | null) {
    this.originName = name;
    this.applyLearningRate();
  }
  /** Whether the model learns at priorLearningRate now: it has an origin, and its running loss is
   *  below priorTrust × the base rate's (or there is no running loss yet). */
  get priorTrusted(): boolean {
    const sl = this.slots;
    return this.originName !== null && !(sl[TRUST_N] > 0 && sl[TRUST_MODEL] >= this.opts.priorTrust * sl[TRUST_BASE]);
  }
  private originName: string | null = null;
  /** Running loss of the newest labels, each measured before it was learned (fast), and the
   *  running loss over healthy stretches (baseline). */
  get anchorError(): number {
    return this.slots[FAST_SLOT];
  }
  get baseline(): number {
    return this.slots[BASE_SLOT];
  }
  /** Running losses and the staged target live in a typed array: storing a double into an object
   *  field, passing it to or returning it from a call V8 does not inline can allocate. */
  private readonly slots = new Float64Array([Number.NaN, Number.NaN, 0, 0, 0, 0, 0, 0]);
  onRollback: ((r: RollbackReport) => void) | null = null;

  private readonly width: number;
  private readonly bufX: Float64Array;
  private readonly bufT: Float64Array;
  /** Label sequence number of each buffer slot (−1: empty or dropped). */
  private readonly bufSeq: Float64Array;
  private bufWritten = 0;
  private readonly z: Float64Array;
  /** Staged target of a train or loss call. */
  private readonly t1 = new Float64Array(1);
  /** xorshift32 state of the replay draws. */
  private readonly rngState: Int32Array;
  /** recentFraction as a threshold on rand30(). */
  private readonly recentCut: number;
  private readonly cps: Checkpoint[];
  private cpNext = 0;
  private sinceCheckpoint = 0;

  constructor(options: OnlineModelOptions) {
    this.kind = options.kind;
    this.inputs = Object.freeze([...options.inputs]);
    this.task = options.task;
    const o = {
      targetScale: "linear" as "linear" | "log", hidden: 16, learningRate: 0.003, priorLearningRate: 0.0003, priorTrust: 0.7, weightDecay: 1e-4, replaySize: 256, replaySteps: 8, newSteps: 1,
      recentWindow: 32, recentFraction: 0.5, minLabels: 30, normWindow: 500, guardFactor: 2,
      guardMargin: 0.2, checkpointEvery: 10, rollback: true, seed: 1,
    };
    for (const k of Object.keys(o) as (keyof typeof o)[]) {
      const v = options[k];
      if (v !== undefined) (o as Record<string, unknown>)[k] = v;
    }
    for (const k of ["hidden", "replaySize", "replaySteps", "recentWindow", "minLabels", "normWindow", "checkpointEvery"] as const) {
      if (!Number.isInteger(o[k]) || o[k] < (k === "replaySteps" ? 0 : 1)) throw new RangeError(`OnlineModel ${this.kind}: ${k} must be a positive integer, got ${o[k]}`);
    }
    for (const k of ["learningRate", "priorLearningRate", "priorTrust"] as const) {
      if (!(o[k] > 0 && o[k] < Infinity)) throw new RangeError(`OnlineModel ${this.kind}: ${k} must be > 0, got ${o[k]}`);
    }
    if (o.targetScale !== "linear" && o.targetScale !== "log") throw new RangeError(`OnlineModel ${this.kind}: targetScale must be "linear" or "log", got ${String(o.targetScale)}`);
    this.opts = o;
    this.logTarget = this.task === "regression" && o.targetScale === "log";
    this.used = Object.freeze([...(options.use ?? options.inputs)]);
    this.pick = Int32Array.from(this.used, (n) => {
      const i = this.inputs.indexOf(n);
      if (i < 0) throw new RangeError(`OnlineModel ${this.kind}: input '${n}' is not in the input layout`);
      return i;
    });
    this.width = this.used.length;
    this.xPick = new Float64Array(this.width);
    this.net = createNetwork({
      inputs: this.width,
      layers: [{ units: o.hidden, activation: "tanh" }, { units: 1, activation: this.task === "binary" ? "sigmoid" : "linear" }],
      loss: this.task === "binary" ? "bce" : "half-sse",
      optimizer: { type: "adam", learningRate: o.learningRate },
      weightDecay: o.weightDecay,
      clipNorm: 5,
      batchSize: 1,
      precision: "f64",
      seed: o.seed,
      // The TypeScript kernels, not the WebAssembly ones: a controller runs several of these
      // networks, each with its own WebAssembly instance, so the step's call sites see several
      // export functions, stop inlining them and box the f64 optimizer arguments (a few GCs per
      // 2,000 labels). The TypeScript kernels are one class with the slot (*At) forms: every
      // network's step passes small integers only. At 16 hidden units the speed is the same.
      kernels: "ts",
    });
    this.norm = new Normaliser(this.width, o.normWindow);
    this.targetNorm = new Normaliser(1, o.normWindow);
    this.bufX = new Float64Array(o.replaySize * this.width);
    this.bufT = new Float64Array(o.replaySize);
    this.bufSeq = new Float64Array(o.replaySize).fill(-1);
    this.z = new Float64Array(this.width);
    this.rngState = new Int32Array([(o.seed ^ 0x5eed) | 1]);
    this.recentCut = Math.floor(o.recentFraction * 0x40000000);
    this.cps = [0, 1].map(() => ({
      params: new Float64Array(this.net.params.length),
      opt: this.net.optimizerState.map((s) => new Float64Array(s.length)),
      steps: 0, version: 0, labelSeq: 0, valid: false,
    }));
  }

  /** Whether the model has learned enough labels for its estimates to be used. */
  get ready(): boolean {
    return this.labels - this.droppedLabels >= this.opts.minLabels;
  }
  private droppedLabels = 0;

  /** Version label, e.g. "judder-v42"; a prior's own name (origin) before the first update. */
  versionName(): string {
    return this.version === 0 && this.origin !== null ? this.origin : `${this.kind}-v${this.version}`;
  }

  /** Whether the estimates come from a prior as it was shipped (no update of this model's own yet). */
  get isPrior(): boolean {
    return this.version === 0 && this.origin !== null;
  }

  /** Adds x to the normalisation statistics (call once per job, before predict). */
  observe(x: ArrayLike<number>): void {
    this.norm.observe(this.picked(x));
  }

  /** The network's own inputs (`used`, in order) out of a vector in the `inputs` layout, into out
   *  (length ≥ used.length): what a caller that works on `norm` or `net` directly must feed them. */
  pickInto(x: ArrayLike<number>, out: Float64Array): void {
    const p = this.pick;
    for (let i = 0; i < p.length; i++) out[i] = x[p[i]];
  }

  /** xPick ← the network's inputs from a vector in the `inputs` layout. */
  private picked(x: ArrayLike<number>): Float64Array {
    const p = this.pick;
    const out = this.xPick;
    for (let i = 0; i < p.length; i++) out[i] = x[p[i]];
    return out;
  }

  /** Estimate for x: p (binary) or the target in its unit (regression); NaN when x is refused. */
  predict(x: ArrayLike<number>): number {
    this.predictInto(x, this.slots, OUT_SLOT);
    return this.slots[OUT_SLOT];
  }

  /** predict() written to out[at] (the allocation-free form). */
  predictInto(x: ArrayLike<number>, out: Float64Array, at: number): void {
    this.norm.apply(this.picked(x), this.z);
    const y = this.net.forward(this.z);
    if (this.task === "binary") out[at] = y[0];
    else {
      const v = this.targetNorm.mean[0] + y[0] * this.targetNorm.sd[0];
      out[at] = this.logTarget ? Math.exp(v) : v;
    }
  }

  /** Learns one labelled sample (x raw inputs, t: 0/1 or the target's value). Returns false when
   *  refused (non-finite target; ≤ 0 on the log scale). */
  learn(x: ArrayLike<number>, t: number): boolean {
    this.t1[0] = t;
    return this.learnFrom(x, this.t1, 0);
  }

  /** A target value on the scale the network learns it (targetScale): ln t, NaN for t ≤ 0, or t. */
  targetOnScale(t: number): number {
    return this.logTarget ? (t > 0 ? Math.log(t) : Number.NaN) : t;
  }

  /** learn() with the target read from targets[at] (the allocation-free form). */
  learnFrom(x: ArrayLike<number>, targets: ArrayLike<number>, at: number): boolean {
    const t = this.targetOnScale(targets[at]);
    if (!(t === t) || t === Infinity || t === -Infinity) return false;
    const cap = this.opts.replaySize;
    const slot = this.bufWritten % cap;
    const w = this.width;
    const p = this.pick;
    for (let i = 0; i < w; i++) this.bufX[slot * w + i] = x[p[i]];
    this.bufT[slot] = t;
    this.t1[0] = t;
    if (this.task === "regression") this.targetNorm.observe(this.t1);
    this.bufSeq[slot] = this.labels;
    this.bufWritten++;
    this.labels++;
    this.slotLoss(slot);
    this.trackTrust();
    for (let s = 0; s < this.opts.newSteps; s++) this.trainSlot(slot);
    const filled = this.bufWritten < cap ? this.bufWritten : cap;
    const recent = this.opts.recentWindow < filled ? this.opts.recentWindow : filled;
    for (let s = 0; s < this.opts.replaySteps; s++) {
      const back = this.rand30() < this.recentCut ? this.rand30() % recent : this.rand30() % filled;
      const j = (this.bufWritten - 1 - back) % cap;
      if (this.bufSeq[j] >= 0) this.trainSlot(j);
    }
    this.version++;
    if (this.opts.rollback) this.guard();
    return true;
  }

  /** A uniform integer in [0, 2^30): small enough to stay a V8 small integer (no boxing). */
  private rand30(): number {
    const st = this.rngState;
    let x = st[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    st[0] = x;
    return (x >>> 2) & 0x3fffffff;
  }

  /** t1[0] ← the training target of buffer slot j (0/1, or the clamped z-score of the value). */
  private stageTarget(j: number): void {
    const t = this.bufT[j];
    if (this.task === "binary") {
      this.t1[0] = t > 0.5 ? 1 : 0;
      return;
    }
    // Clamped like the inputs: one wild label (a re-cut, a slipped probe) must not dominate a step.
    const z = (t - this.targetNorm.mean[0]) / this.targetNorm.sd[0];
    this.t1[0] = z > 4 ? 4 : z < -4 ? -4 : z;
  }

  private trainSlot(j: number): void {
    const w = this.width;
    this.normaliseSlot(j, w);
    this.stageTarget(j);
    this.net.train(this.z, this.t1);
  }

  /** z ← normalised inputs of buffer slot j (read in place: a subarray view would allocate). */
  private normaliseSlot(j: number, w: number): void {
    this.norm.applyAt(this.bufX, j * w, this.z);
  }

  /** slots[PRE] ← loss of the current network on buffer slot j (before it is trained on). */
  private slotLoss(j: number): void {
    this.normaliseSlot(j, this.width);
    this.stageTarget(j);
    // From forward() rather than net.loss(): forward's output view keeps this allocation-free.
    const y = this.net.forward(this.z)[0];
    const t = this.t1[0];
    if (this.task === "binary") {
      const p = y < 1e-12 ? 1e-12 : y > 1 - 1e-12 ? 1 - 1e-12 : y;
      this.slots[PRE_SLOT] = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    } else this.slots[PRE_SLOT] = 0.5 * (y - t) * (y - t);
  }

  /** Forgets the running losses priorTrust compares (a prior starting in a new garage). */
  resetTrust(): void {
    this.slots.fill(0, TRUST_MODEL, TRUST_N + 1);
    this.applyLearningRate();
  }

  /** The network's learning rate ← priorLearningRate while priorTrusted, else learningRate. */
  private applyLearningRate(): void {
    this.net.setLearningRate(this.priorTrusted ? this.opts.priorLearningRate : this.opts.learningRate);
  }

  /** Running losses of the model (slots[PRE]) and the base rate on the new label (staged target in
   *  t1), then the learning rate they call for when it changes (a plain mean over the first 50
   *  labels, then weight 1/50). */
  private trackTrust(): void {
    const sl = this.slots;
    const t = this.t1[0];
    const pre = sl[PRE_SLOT];
    if (!(pre === pre)) return;
    const was = this.priorTrusted;
    let base: number;
    if (sl[TRUST_N] === 0) base = this.task === "binary" ? Math.LN2 : 0.5 * t * t;
    else if (this.task === "binary") {
      const m = sl[TRUST_MEAN] < 0.01 ? 0.01 : sl[TRUST_MEAN] > 0.99 ? 0.99 : sl[TRUST_MEAN];
      base = -(t * Math.log(m) + (1 - t) * Math.log(1 - m));
    } else base = 0.5 * (t - sl[TRUST_MEAN]) * (t - sl[TRUST_MEAN]);
    sl[TRUST_N] += 1;
    const w = 1 / sl[TRUST_N] > SLOW ? 1 / sl[TRUST_N] : SLOW;
    sl[TRUST_MODEL] += w * (pre - sl[TRUST_MODEL]);
    sl[TRUST_BASE] += w * (base - sl[TRUST_BASE]);
    sl[TRUST_MEAN] += w * (t - sl[TRUST_MEAN]);
    if (this.priorTrusted !== was) this.applyLearningRate();
  }

  /** pre: the new label's loss under the model as it stood before the label (prequential). */
  private guard(): void {
    const sl = this.slots;
    const pre = sl[PRE_SLOT];
    if (!(pre === pre)) return;
    const b = this.baseline;
    const threshold = this.opts.guardFactor * b + this.opts.guardMargin;
    // One label counts at most 2 × the threshold: a single outlier must not trigger a rollback alone.
    const capped = b === b && pre > 2 * threshold ? 2 * threshold : pre;
    const prev = sl[FAST_SLOT];
    const fast = prev === prev ? (1 - FAST) * prev + FAST * capped : capped;
    sl[FAST_SLOT] = fast;
    const warm = this.labels - this.droppedLabels >= this.opts.minLabels;
    if (warm && b === b && fast > threshold) {
      const cp = this.olderCheckpoint();
      if (cp) {
        this.restore(cp, fast, b);
        return;
      }
    }
    // The baseline learns only from healthy stretches, so a run of bad labels cannot raise it.
    // Between healthy and the trigger it follows ten times slower (a lasting change of population).
    const healthy = !(b === b) || fast <= 1.25 * b + 0.5 * this.opts.guardMargin;
    const a = healthy ? SLOW : SLOW / 10;
    sl[BASE_SLOT] = b === b ? (1 - a) * b + a * capped : pre;
    // A checkpoint only while healthy.
    if (++this.sinceCheckpoint >= this.opts.checkpointEvery && warm && healthy) {
      this.sinceCheckpoint = 0;
      this.saveCheckpoint(this.cps[this.cpNext]);
      this.cpNext = 1 - this.cpNext;
    }
  }

  /** The older of the two checkpoints (the newer one may already hold the start of the damage). */
  private olderCheckpoint(): Checkpoint | null {
    const a = this.cps[this.cpNext];
    const b = this.cps[1 - this.cpNext];
    if (a.valid) return a;
    return b.valid ? b : null;
  }

  private saveCheckpoint(cp: Checkpoint): void {
    cp.params.set(this.net.params);
    for (let k = 0; k < cp.opt.length; k++) cp.opt[k].set(this.net.optimizerState[k]);
    cp.steps = this.net.steps;
    cp.version = this.version;
    cp.labelSeq = this.labels;
    cp.valid = true;
  }

  private restore(cp: Checkpoint, e: number, b: number): void {
    const from = this.version;
    this.net.params.set(cp.params);
    for (let k = 0; k < cp.opt.length; k++) this.net.optimizerState[k].set(cp.opt[k]);
    this.net.steps = cp.steps;
    let dropped = 0;
    for (let j = 0; j < this.bufSeq.length; j++) {
      if (this.bufSeq[j] >= cp.labelSeq) {
        this.bufSeq[j] = -1;
        dropped++;
      }
    }
    this.droppedLabels += dropped;
    this.version = cp.version;
    this.rollbacks++;
    this.slots[FAST_SLOT] = b;
    this.sinceCheckpoint = 0;
    // Both checkpoints now point at (or before) the restored state.
    const other = this.cps[0] === cp ? this.cps[1] : this.cps[0];
    other.valid = false;
    this.onRollback?.({ kind: this.kind, from, to: cp.version, anchorError: e, baseline: b, dropped });
  }

  /** State beyond the network for the model file (`learner` section, JSON). */
  stateJson(): Record<string, unknown> {
    return { kind: this.kind, task: this.task, inputs: this.inputs, use: this.used, version: this.version, labels: this.labels, droppedLabels: this.droppedLabels, rollbacks: this.rollbacks, baseline: this.baseline, fast: this.anchorError, rng: this.rngState[0], sinceCheckpoint: this.sinceCheckpoint, origin: this.origin, trust: Array.from(this.slots.subarray(TRUST_MODEL, TRUST_N + 1)), options: this.opts };
  }

  /** Restores counters, running losses and the replay draw state after a load (the network,
   *  normaliser and buffer are restored by model-store; checkpoints are not kept across a restart). */
  restoreState(s: Record<string, unknown>): void {
    // Files from before `use` existed read all of their inputs.
    const used = Array.isArray(s.use) ? (s.use as unknown[]).join(",") : Array.isArray(s.inputs) ? (s.inputs as unknown[]).join(",") : null;
    if (used !== null && used !== this.used.join(",")) {
      throw new Error(`its network reads ${Array.isArray(s.use) ? s.use.length : "all its"} inputs, not the ${this.used.length} this controller's ${this.kind} network reads (input selection changed)`);
    }
    this.version = Number(s.version) || 0;
    this.labels = Number(s.labels) || 0;
    this.droppedLabels = Number(s.droppedLabels) || 0;
    this.rollbacks = Number(s.rollbacks) || 0;
    this.slots[BASE_SLOT] = typeof s.baseline === "number" ? s.baseline : Number.NaN;
    this.slots[FAST_SLOT] = typeof s.fast === "number" ? s.fast : Number.NaN;
    if (typeof s.rng === "number" && s.rng !== 0) this.rngState[0] = s.rng;
    this.sinceCheckpoint = Number(s.sinceCheckpoint) || 0;
    const trust = s.trust;
    if (Array.isArray(trust) && trust.length === 4 && trust.every((v) => typeof v === "number" && Number.isFinite(v))) this.slots.set(trust as number[], TRUST_MODEL);
    this.origin = typeof s.origin === "string" && s.origin !== "" ? s.origin : null;
  }

  /** Replay buffer as [written, then per slot: seq, t, x…] (model file `replay` section). */
  replayBytes(): Uint8Array {
    const cap = this.opts.replaySize;
    const a = new Float64Array(1 + cap * (2 + this.width));
    a[0] = this.bufWritten;
    for (let j = 0; j < cap; j++) {
      const o = 1 + j * (2 + this.width);
      a[o] = this.bufSeq[j];
      a[o + 1] = this.bufT[j];
      a.set(this.bufX.subarray(j * this.width, (j + 1) * this.width), o + 2);
    }
    return new Uint8Array(a.buffer);
  }

  loadReplay(bytes: Uint8Array, what: string): void {
    const cap = this.opts.replaySize;
    const a = new Float64Array(new Uint8Array(bytes).buffer);
    if (a.length !== 1 + cap * (2 + this.width)) throw new Error(`${what}: replay section holds ${a.length} numbers, expected ${1 + cap * (2 + this.width)}`);
    this.bufWritten = a[0];
    for (let j = 0; j < cap; j++) {
      const o = 1 + j * (2 + this.width);
      this.bufSeq[j] = a[o];
      this.bufT[j] = a[o + 1];
      this.bufX.set(a.subarray(o + 2, o + 2 + this.width), j * this.width);
    }
  }
}
