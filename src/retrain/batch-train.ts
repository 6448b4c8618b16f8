// Mini-batch training of one learner kind from a sample set, with the core's batch mode, into an
// OnlineModel the controller's learner plugins can load (src/learn/model-store.ts):
//   - the network shape, loss and initial weights are the online learner's own (an OnlineModel is
//     built with the learner's options for the kind; its network spec is reused with batchSize B);
//   - normalisation is the learner's Normaliser, fed the training inputs in time order (and, for a
//     regression, the targets), as the live learner would have seen them;
//   - targets are staged as the learner stages them: 0/1 for judder, the clamped (±4) z-score of
//     the target (on the model's targetScale: ln Ra) for a regression;
//   - Adam, `epochs` passes over the training set in a seeded shuffled order, batches of B (the
//     last partial batch of an epoch is topped up with samples from the start of the next order).
// The trained weights (and Adam state) are copied into the OnlineModel, which reports itself ready
// (its label count is the training set's size) with an empty replay buffer.
import { createNetwork, type Network } from "../core/index.ts";
import { judderModelOptions, raModelOptions, residualModelOptions, MODEL_KINDS, type LearnerOptions } from "../learn/learners.ts";
import { OnlineModel, type OnlineModelOptions } from "../learn/online-model.ts";
import type { ModelKind } from "./log-samples.ts";

export interface BatchTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** The learner settings (hidden units, weight decay, …) as the plugins use them. */
  learner?: LearnerOptions;
  /** Called after each batch with (batches done, batches in all). */
  onBatch?: (done: number, total: number) => void;
}

export const RETRAIN_DEFAULTS = { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 1 } as const;

/** The learner's model options for a kind (the same function the plugins use). */
export function modelOptionsFor(kind: ModelKind, learner: LearnerOptions = {}): OnlineModelOptions {
  if (kind === MODEL_KINDS.judder) return judderModelOptions(learner);
  if (kind === MODEL_KINDS.residual) return residualModelOptions(learner);
  return raModelOptions(learner);
}

/** The batch count of a training run (for a progress bar over several kinds). */
export function batchesFor(n: number, o: Pick<BatchTrainOptions, "epochs" | "batchSize">): number {
  if (n === 0) return 0;
  const b = Math.min(o.batchSize, n);
  return o.epochs * Math.ceil(n / b);
}

/** The regression target as the online learner trains on it: its z-score, clamped to ±4. */
export function stagedTarget(model: OnlineModel, t: number): number {
  if (model.task === "binary") return t > 0.5 ? 1 : 0;
  const z = (model.targetOnScale(t) - model.targetNorm.mean[0]) / model.targetNorm.std(0);
  return z > 4 ? 4 : z < -4 ? -4 : z;
}

function batchNetwork(model: OnlineModel, batchSize: number, learningRate: number): Network {
  const s = model.net.spec;
  const o = s.optimizer;
  const net = createNetwork({
    inputs: s.inputs,
    layers: s.layers.map((l) => ({ ...l })),
    loss: s.loss,
    optimizer: o.type === "adam" ? { type: "adam", learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon } : { type: "sgd", learningRate, momentum: o.momentum, nesterov: o.nesterov },
    weightDecay: s.weightDecay,
    clipNorm: s.clipNorm,
    batchSize,
    precision: s.precision,
    seed: s.seed,
  });
  net.params.set(model.net.params); // the online learner's initial weights
  return net;
}

/** xorshift32 shuffle (Fisher–Yates) of 0..n−1 in place. */
function shuffle(order: Int32Array, state: Uint32Array): void {
  for (let i = order.length - 1; i > 0; i--) {
    let x = state[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state[0] = x >>> 0;
    const j = state[0] % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

export interface TrainResult {
  model: OnlineModel;
  /** Mean training loss of the last epoch (the network's own loss: bce, or half-sse on z-scores). */
  lastEpochLoss: number;
  steps: number;
  refusedBatches: number;
}

/** Trains a new model of `kind` on (x, t) (time order) and returns it. */
export function trainBatch(kind: ModelKind, x: readonly Float64Array[], t: readonly number[], o: BatchTrainOptions): TrainResult {
  const model = new OnlineModel({ ...modelOptionsFor(kind, { ...o.learner, seed: o.learner?.seed ?? o.seed }) });
  const n = x.length;
  if (n === 0) return { model, lastEpochLoss: Number.NaN, steps: 0, refusedBatches: 0 };
  // The network reads its selected inputs (model.used) out of the INPUT_NAMES layout.
  const w = model.used.length;
  const picked = x.map((xi) => {
    const v = new Float64Array(w);
    model.pickInto(xi, v);
    return v;
  });
  const one = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    model.norm.observe(picked[i]);
    if (model.task === "regression") {
      one[0] = model.targetOnScale(t[i]);
      model.targetNorm.observe(one);
    }
  }
  const z = new Float64Array(n * w);
  const zt = new Float64Array(n);
  const zi = new Float64Array(w);
  for (let i = 0; i < n; i++) {
    model.norm.apply(picked[i], zi);
    z.set(zi, i * w);
    zt[i] = stagedTarget(model, t[i]);
  }
  const B = Math.min(o.batchSize, n);
  const net = batchNetwork(model, B, o.learningRate);
  const xb = new Float64Array(B * w);
  const tb = new Float64Array(B);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Uint32Array([(o.seed * 2654435761) >>> 0 || 1]);
  const perEpoch = Math.ceil(n / B);
  const total = o.epochs * perEpoch;
  let done = 0;
  let refused = 0;
  let lastLoss = 0;
  shuffle(order, rng);
  let pos = 0;
  for (let e = 0; e < o.epochs; e++) {
    let sum = 0;
    let counted = 0;
    for (let b = 0; b < perEpoch; b++) {
      for (let k = 0; k < B; k++) {
        if (pos === n) {
          shuffle(order, rng);
          pos = 0;
        }
        const i = order[pos++];
        xb.set(z.subarray(i * w, (i + 1) * w), k * w);
        tb[k] = zt[i];
      }
      if (net.train(xb, tb)) {
        sum += net.lastLoss;
        counted++;
      } else refused++;
      o.onBatch?.(++done, total);
    }
    lastLoss = counted > 0 ? sum / counted : Number.NaN;
  }
  model.net.params.set(net.params);
  for (let k = 0; k < model.net.optimizerState.length; k++) model.net.optimizerState[k].set(net.optimizerState[k]);
  model.net.steps = net.steps;
  model.restoreState({ version: 0, labels: n, droppedLabels: 0, rollbacks: 0, baseline: Number.NaN });
  return { model, lastEpochLoss: lastLoss, steps: done - refused, refusedBatches: refused };
}
