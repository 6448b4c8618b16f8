// `retrain` itself: reads the log's training samples, and per learner kind trains a new model on
// the older jobs (mini-batch, src/retrain/batch-train.ts), scores it and the active model on the
// newest jobs (time-ordered holdout), registers the new model with its metrics and promotes it
// only when it scores better. The "active" model is the registry's active version of the kind; a
// kind without one is served by its cold-start rule (judder: the LRO rule; residual runout: the
// rule's estimate, i.e. a zero correction; Ra: no rule, so the training mean stands in for it).
// New model files go to `<log folder>/models/<version>.epnn`; with `modelDir` a promoted model is
// also saved as `<modelDir>/<kind>.epnn`, where the learner plugins load it when they start.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { judderP, DEFAULT_JUDDER_RULE } from "../controller/rules.ts";
import { INPUT_INDEX } from "../learn/job-inputs.ts";
import { loadOnlineModel, saveIn, saveOnlineModel } from "../learn/model-store.ts";
import type { OnlineModel } from "../learn/online-model.ts";
import type { LearnerOptions } from "../learn/learners.ts";
import { StoreError, StoreErrorCodes, type JobLog } from "../store/index.ts";
import { batchesFor, modelOptionsFor, RETRAIN_DEFAULTS, trainBatch } from "./batch-train.ts";
import { beats, score, timeOrderedSplit, type Score } from "./holdout.ts";
import { KINDS, readLogSamples, type ModelKind, type SampleSet } from "./log-samples.ts";

export interface RetrainOptions {
  since?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Holdout: the newest percent of each kind's samples (default 20). */
  holdoutPercent?: number;
  seed?: number;
  kinds?: readonly ModelKind[];
  /** Fewest training samples for a kind to be retrained (default 10). */
  minSamples?: number;
  learner?: LearnerOptions;
  modelDir?: string;
  /** Progress: phase "read" (jobs) or "train" (batches over all kinds). */
  onProgress?: (phase: "read" | "train", done: number, total: number) => void;
  /** Version suffix (default: the time, yyyymmddThhmmss). */
  stamp?: string;
  now?: () => number;
}

export interface KindResult {
  kind: ModelKind;
  samples: number;
  train: number;
  holdout: number;
  /** Null when the kind had too few samples. */
  version: string | null;
  skipped: string | null;
  newScore: Score | null;
  active: { version: string | null; what: string; score: Score | null } | null;
  promoted: boolean;
  path: string | null;
  trainSeconds: number;
}

export interface RetrainResult {
  jobs: number;
  noFeatures: number;
  partialLayout: number;
  readSeconds: number;
  kinds: KindResult[];
}

function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "");
}

/** Estimates of a model on the holdout, in the sample set's target space (see holdout.ts). */
function modelEstimates(model: OnlineModel, set: SampleSet, from: number): number[] {
  const out: number[] = [];
  for (let i = from; i < set.x.length; i++) {
    const x = set.x[i];
    const y = model.predict(x);
    if (set.kind === "judder") out.push(y);
    else if (set.kind === "ra") out.push(Math.max(0, y));
    else {
      const rule = x[INPUT_INDEX.c_lro_rule];
      const base = rule === rule ? rule : 0;
      out.push(Math.max(0, base + y) - base);
    }
  }
  return out;
}

function ruleEstimates(set: SampleSet, from: number): { what: string; estimates: number[] } {
  const idx = Array.from({ length: set.x.length - from }, (_, k) => from + k);
  if (set.kind === "judder") return { what: "rule (LRO before the cut, 50 µm)", estimates: idx.map((i) => judderP(set.lroPre[i], DEFAULT_JUDDER_RULE) ?? Number.NaN) };
  if (set.kind === "residual-runout") return { what: "rule (last cut revolutions over the cut face)", estimates: idx.map((i) => (set.x[i][INPUT_INDEX.c_lro_rule] === set.x[i][INPUT_INDEX.c_lro_rule] ? 0 : Number.NaN)) };
  const train = set.t.slice(0, from);
  const mean = train.reduce((a, b) => a + b, 0) / Math.max(1, train.length);
  return { what: "no model (training mean)", estimates: idx.map(() => mean) };
}

export function retrain(log: JobLog, o: RetrainOptions = {}): RetrainResult {
  const epochs = o.epochs ?? RETRAIN_DEFAULTS.epochs;
  const batchSize = o.batchSize ?? RETRAIN_DEFAULTS.batchSize;
  const learningRate = o.learningRate ?? RETRAIN_DEFAULTS.learningRate;
  const seed = o.seed ?? RETRAIN_DEFAULTS.seed;
  const holdoutPercent = o.holdoutPercent ?? 20;
  const minSamples = o.minSamples ?? 10;
  const kinds = o.kinds ?? KINDS;
  const now = o.now ?? log.now;
  const stamp = o.stamp ?? stampOf(now());

  const t0 = performance.now();
  const total = log.db.prepare(`SELECT count(*) FROM jobs WHERE status = 'complete' AND logged_at >= ?`).pluck().get(o.since ?? 0) as number;
  const samples = readLogSamples(log.db, { since: o.since, onJob: (n) => o.onProgress?.("read", Math.min(n, total), total) });
  const readSeconds = (performance.now() - t0) / 1000;

  const plans = kinds.map((kind) => {
    const set = samples.sets[kind];
    return { kind, set, split: timeOrderedSplit(set.x.length, holdoutPercent) };
  });
  const trainable = (p: (typeof plans)[number]): boolean => p.split.trainEnd >= minSamples && p.split.n - p.split.trainEnd >= 1;
  const totalBatches = plans.filter(trainable).reduce((a, p) => a + batchesFor(p.split.trainEnd, { epochs, batchSize }), 0);
  let batchesBefore = 0;

  const results: KindResult[] = [];
  for (const p of plans) {
    const { kind, set, split } = p;
    const base: KindResult = { kind, samples: set.x.length, train: split.trainEnd, holdout: split.n - split.trainEnd, version: null, skipped: null, newScore: null, active: null, promoted: false, path: null, trainSeconds: 0 };
    if (!trainable(p)) {
      results.push({ ...base, skipped: `${set.x.length} labelled job(s): needs at least ${minSamples} for training plus 1 for the holdout` });
      continue;
    }
    const t1 = performance.now();
    const before = batchesBefore;
    const trained = trainBatch(kind, set.x.slice(0, split.trainEnd), set.t.slice(0, split.trainEnd), {
      epochs, batchSize, learningRate, seed, learner: o.learner,
      onBatch: (done) => o.onProgress?.("train", before + done, totalBatches),
    });
    batchesBefore += batchesFor(split.trainEnd, { epochs, batchSize });
    const trainSeconds = (performance.now() - t1) / 1000;
    const newScore = score(set, split.trainEnd, modelEstimates(trained.model, set, split.trainEnd));

    const incumbent = log.models.active(kind);
    let active: KindResult["active"];
    if (incumbent) {
      let loaded: OnlineModel | null = null;
      let what = incumbent.version;
      try {
        loaded = log.models.loadActive(kind, (m) => {
          if (!m.path) throw new StoreError(StoreErrorCodes.BAD_INPUT, `model ${m.version} is stored in the log, not as a file`);
          return loadOnlineModel(m.path, modelOptionsFor(kind, o.learner));
        }).value;
        what = log.models.active(kind)?.version ?? what;
      } catch {
        loaded = null;
      }
      active = loaded
        ? { version: what, what: `model ${what}`, score: score(set, split.trainEnd, modelEstimates(loaded, set, split.trainEnd)) }
        : { version: incumbent.version, what: `model ${incumbent.version} (does not load)`, score: null };
    } else {
      const r = ruleEstimates(set, split.trainEnd);
      active = { version: null, what: r.what, score: score(set, split.trainEnd, r.estimates) };
    }
    const promoted = beats(newScore, active.score);
    let version = `${kind}-r${stamp}`;
    for (let k = 2; log.models.get(version); k++) version = `${kind}-r${stamp}-${k}`;
    const rel = join("models", `${version}.epnn`);
    const path = join(dirname(log.file), rel);
    mkdirSync(dirname(path), { recursive: true });
    saveOnlineModel(trained.model, path);
    const metrics = {
      holdout: newScore.value, metric: newScore.metric, activeHoldout: active.score?.value ?? null, activeWas: active.what,
      ...(newScore.auc !== undefined ? { auc: newScore.auc, accuracy: newScore.accuracy } : {}),
      train: split.trainEnd, holdoutJobs: split.n - split.trainEnd, epochs, batchSize, learningRate,
      lastEpochLoss: trained.lastEpochLoss, promoted, source: "retrain",
    };
    log.models.register({ version, kind, parent: active.version, path: rel, metrics, activate: promoted });
    if (promoted && o.modelDir) saveIn(o.modelDir, trained.model);
    results.push({ ...base, version, newScore, active, promoted, path, trainSeconds });
  }
  return { jobs: samples.jobs, noFeatures: samples.noFeatures, partialLayout: samples.partialLayout, readSeconds, kinds: results };
}
