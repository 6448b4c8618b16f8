// Evaluation of the learners over a sequence of jobs (JobSample[], in job order):
//
//   prequential  test, then train: each job's estimates come from the learners as they stand before
//                that job's labels; then they learn from it (exactly what the plugins do).
//   baselines    (a) the rule: LRO before the cut ≥ 50 µm (AUC scores the continuous LRO);
//                (b) vibration RMS: the cut's total accelerometer RMS ≥ a threshold, the threshold
//                    refitted before every job as the best-accuracy cut on the earlier labelled jobs;
//                    for residual runout the rule's estimate, for Ra the running mean of earlier labels;
//                (c) hindsight: the same network trained offline on all other folds (k-fold, shuffled
//                    with the seed, `epochs` passes), scored on its held-out fold only.
import { INPUT_INDEX } from "./job-inputs.ts";
import type { JobSample } from "./job-sample.ts";
import { CutQualityLearner, JudderLearner, judderModelOptions, raModelOptions, residualModelOptions, type LearnerOptions } from "./learners.ts";
import { auc, binaryScores, mae, type BinaryScores } from "./metrics.ts";
import { OnlineModel } from "./online-model.ts";
import { loadPrior } from "./prior.ts";
import { judderTarget, raTarget, residualTarget } from "./targets.ts";
import { INPUT_NAMES } from "./job-inputs.ts";
import { Rng } from "../core/index.ts";
import type { RollbackReport } from "./online-model.ts";

export interface EvalOptions {
  judder?: LearnerOptions;
  cutQuality?: LearnerOptions;
  threshold?: number;
  folds?: number;
  epochs?: number;
  seed?: number;
  /** Skip the k-fold hindsight network (it is the slow part). */
  hindsight?: boolean;
  /** Prior model files (src/learn/prior.ts) the judder and Ra learners start from instead of the
   *  rule, as the plugins' `priorFile` / `raPriorFile` (loaded afresh for every call). */
  priors?: { judder?: string; ra?: string };
  /** The learners estimate but never observe or learn (a prior as shipped, frozen: what online
   *  learning adds to it is the difference). */
  frozen?: boolean;
}

/** Per job: labels/targets (NaN when none) and every estimator's output (NaN when none). */
export interface JobEval {
  ordinal: number;
  judder: number;
  pModel: number;
  /** What the controller would have output (rule during cold start). */
  pController: number;
  sourceController: string;
  lroPre: number;
  rms: number;
  rmsThreshold: number;
  pHindsight: number;
  residual: number;
  residualModel: number;
  /** What the controller would have output (the rule until the network's running error beats it). */
  residualController: number;
  residualRule: number;
  residualHindsight: number;
  ra: number;
  raModel: number;
  raMean: number;
  raHindsight: number;
}

export interface JudderFigures extends BinaryScores {
  auc: number;
}

export interface EvalResult {
  jobs: JobEval[];
  judder: { model: JudderFigures; controller: JudderFigures; rule: JudderFigures; rms: JudderFigures; hindsight: JudderFigures | null };
  residual: { model: number; controller: number; rule: number; hindsight: number | null; n: number };
  ra: { model: number; mean: number; hindsight: number | null; n: number };
  rollbacks: RollbackReport[];
  labelled: { judder: number; residual: number; ra: number };
}

const nan = Number.NaN;

function cutRms(x: readonly number[]): number {
  let s = 0;
  for (const a of ["x", "y", "z"]) s += Math.exp(2 * x[INPUT_INDEX[`c_${a}_rms`]]);
  return Math.sqrt(s);
}

/** Best-accuracy threshold on (score, label) pairs; NaN with fewer than 2 pairs. */
function bestThreshold(pairs: Array<[number, number]>): number {
  if (pairs.length < 2) return nan;
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const pos = sorted.reduce((n, p) => n + (p[1] > 0.5 ? 1 : 0), 0);
  let best = pos;
  let bestT = sorted[0][0];
  let correct = pos;
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i][1] > 0.5 ? -1 : 1;
    const t = i + 1 < sorted.length ? 0.5 * (sorted[i][0] + sorted[i + 1][0]) : sorted[i][0] + 1e-9;
    if (correct > best) {
      best = correct;
      bestT = t;
    }
  }
  return bestT;
}

export function evaluate(samples: readonly JobSample[], options: EvalOptions = {}): EvalResult {
  const threshold = options.threshold ?? 0.5;
  const pj = options.priors?.judder ? loadPrior(options.priors.judder, judderModelOptions(options.judder)) : undefined;
  const pr = options.priors?.ra ? loadPrior(options.priors.ra, raModelOptions(options.cutQuality)) : undefined;
  const judder = new JudderLearner(options.judder, undefined, pj);
  const cut = new CutQualityLearner(options.cutQuality, options.cutQuality, pr ? { ra: pr } : undefined);
  const rollbacks: RollbackReport[] = [];
  for (const m of [judder.model, cut.residual, cut.ra]) m.onRollback = (r) => rollbacks.push(r);
  const jobs: JobEval[] = [];
  const rmsPairs: Array<[number, number]> = [];
  let raSum = 0;
  let raN = 0;
  for (const s of samples) {
    if (!s.inputs) continue;
    const x = s.inputs;
    const yJ = judderTarget(s.labels, s.lroPreUm);
    const yR = s.status === "complete" ? residualTarget(s.lroPostUm) : nan;
    const yA = raTarget(s.labels);
    const je = judder.estimate(x, s.lroPreUm);
    const ce = cut.estimate(x);
    const rms = cutRms(x);
    const e: JobEval = {
      ordinal: s.ordinal, judder: yJ, pModel: je.modelP, pController: je.p ?? nan, sourceController: je.source,
      lroPre: s.lroPreUm ?? nan, rms, rmsThreshold: bestThreshold(rmsPairs), pHindsight: nan,
      residual: yR, residualModel: ce.modelLroPostUm, residualController: ce.lroPostUm ?? nan, residualRule: x[INPUT_INDEX.c_lro_rule], residualHindsight: nan,
      ra: yA, raModel: ce.modelRaUm, raMean: raN > 0 ? raSum / raN : nan, raHindsight: nan,
    };
    jobs.push(e);
    if (!options.frozen) learnJob(judder, cut, s, yR);
    if (yJ === yJ) rmsPairs.push([rms, yJ]);
    if (yA === yA) {
      raSum += yA;
      raN++;
    }
  }
  if (options.hindsight !== false) hindsight(samples, jobs, options);
  return summarise(jobs, rollbacks, threshold, options.hindsight !== false);
}

/** After a job's estimates: its inputs join the statistics, then its labels are learned. */
function learnJob(judder: JudderLearner, cut: CutQualityLearner, s: JobSample, yR: number): void {
  const x = s.inputs!;
  judder.observe(x);
  cut.observe(x);
  judder.learn(x, s.labels, s.lroPreUm);
  cut.learn(x, s.labels, yR === yR ? yR : null);
}

export function summarise(jobs: JobEval[], rollbacks: RollbackReport[], threshold: number, withHindsight: boolean): EvalResult {
  const col = (k: keyof JobEval) => jobs.map((j) => j[k] as number);
  const y = col("judder");
  const fig = (scores: number[], t: number | number[], aucScores = scores): JudderFigures => {
    const flags = Array.isArray(t) ? scores.map((s, i) => (s === s && t[i] === t[i] ? (s >= t[i] ? 1 : 0) : nan)) : scores;
    return { auc: auc(aucScores, y), ...binaryScores(flags, y, Array.isArray(t) ? 0.5 : t) };
  };
  const lro = col("lroPre");
  return {
    jobs,
    judder: {
      model: fig(col("pModel"), threshold),
      controller: fig(col("pController"), threshold),
      rule: fig(lro, 50),
      rms: fig(col("rms"), col("rmsThreshold"), col("rms")),
      hindsight: withHindsight ? fig(col("pHindsight"), threshold) : null,
    },
    residual: { model: mae(col("residualModel"), col("residual")).mae, controller: mae(col("residualController"), col("residual")).mae, rule: mae(col("residualRule"), col("residual")).mae, hindsight: withHindsight ? mae(col("residualHindsight"), col("residual")).mae : null, n: mae(col("residualModel"), col("residual")).n },
    ra: { model: mae(col("raModel"), col("ra")).mae, mean: mae(col("raMean"), col("ra")).mae, hindsight: withHindsight ? mae(col("raHindsight"), col("ra")).mae : null, n: mae(col("raModel"), col("ra")).n },
    rollbacks,
    labelled: { judder: y.filter((v) => v === v).length, residual: col("residual").filter((v) => v === v).length, ra: col("ra").filter((v) => v === v).length },
  };
}

/** k-fold hindsight: fills pHindsight, residualHindsight, raHindsight of the held-out jobs. */
function hindsight(samples: readonly JobSample[], jobs: JobEval[], options: EvalOptions): void {
  const folds = options.folds ?? 5;
  const epochs = options.epochs ?? 30;
  const rng = new Rng((options.seed ?? 1) ^ 0xf01d);
  const withInputs = samples.filter((s) => s.inputs);
  const fold = withInputs.map(() => Math.floor(rng.next() * folds));
  // Residual runout is learned as the correction to the rule's estimate, as CutQualityLearner does.
  const base = (j: JobEval) => (j.residualRule === j.residualRule ? j.residualRule : 0);
  const zero = () => 0;
  // The same networks as the learners' (options and input selection), trained offline.
  const targets: Array<{ key: "pHindsight" | "residualHindsight" | "raHindsight"; y: (j: JobEval) => number; offset: (j: JobEval) => number; task: "binary" | "regression"; opts?: LearnerOptions }> = [
    { key: "pHindsight", y: (j) => j.judder, offset: zero, task: "binary", opts: judderModelOptions(options.judder) },
    { key: "residualHindsight", y: (j) => j.residual - base(j), offset: base, task: "regression", opts: residualModelOptions(options.cutQuality) },
    { key: "raHindsight", y: (j) => j.ra, offset: zero, task: "regression", opts: raModelOptions(options.cutQuality) },
  ];
  for (const t of targets) {
    for (let f = 0; f < folds; f++) {
      const model = new OnlineModel({ ...t.opts, kind: `hindsight-${t.key}`, inputs: INPUT_NAMES, task: t.task, replaySteps: 0, rollback: false, minLabels: 1, seed: (options.seed ?? 1) + f });
      const train: number[] = [];
      for (let i = 0; i < withInputs.length; i++) {
        if (fold[i] === f) continue;
        model.observe(withInputs[i].inputs!);
        if (t.y(jobs[i]) === t.y(jobs[i])) train.push(i);
      }
      if (train.length === 0) continue;
      const order = [...train];
      for (let e = 0; e < epochs; e++) {
        for (let i = order.length - 1; i > 0; i--) {
          const k = Math.floor(rng.next() * (i + 1));
          [order[i], order[k]] = [order[k], order[i]];
        }
        for (const i of order) model.learn(withInputs[i].inputs!, t.y(jobs[i]));
      }
      for (let i = 0; i < withInputs.length; i++) if (fold[i] === f) jobs[i][t.key] = t.offset(jobs[i]) + model.predict(withInputs[i].inputs!);
    }
  }
}

/** AUC of the model's prequential p over jobs with ordinal in [from, to]. */
export function windowAuc(jobs: readonly JobEval[], from: number, to: number, key: "pModel" | "pController" = "pModel"): number {
  const sel = jobs.filter((j) => j.ordinal >= from && j.ordinal <= to);
  return auc(sel.map((j) => j[key]), sel.map((j) => j.judder));
}
