// The time-ordered holdout and the scores `retrain` compares models by.
//
// Holdout: the last `percent` % of a kind's samples (the samples are in the order the jobs were
// logged), at least 1 when there are ≥ 2 samples; the model is trained on the earlier ones only, so
// the comparison asks "would this model have done better on the most recent jobs".
//
// Scores (lower is better; the primary score decides promotion):
//   judder           log loss (mean binary cross-entropy, p clamped to [1e-6, 1 − 1e-6]); also AUC
//                    and accuracy at 0.5
//   residual-runout  mean absolute error of the residual runout estimate, µm (rule estimate +
//                    the network's correction, ≥ 0, as CutQualityLearner estimates it)
//   ra               mean absolute error of Ra, µm (≥ 0)
import { auc, binaryScores, mae } from "../learn/metrics.ts";
import type { SampleSet } from "./log-samples.ts";

export interface Split {
  trainEnd: number;
  n: number;
}

export function timeOrderedSplit(n: number, percent: number): Split {
  if (!(percent > 0 && percent < 100)) throw new RangeError(`holdout must be a percentage between 0 and 100, got ${percent}`);
  const hold = n >= 2 ? Math.max(1, Math.round((n * percent) / 100)) : 0;
  return { trainEnd: n - hold, n };
}

export interface Score {
  /** The primary score: log loss (judder) or MAE µm (regressions). Lower is better. */
  value: number;
  metric: "logLoss" | "maeUm";
  n: number;
  auc?: number;
  accuracy?: number;
}

/** Scores estimates (p for judder, the value in µm otherwise) against the holdout targets. */
export function score(set: SampleSet, from: number, estimates: readonly number[]): Score {
  const targets = set.t.slice(from);
  if (set.kind === "judder") {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < estimates.length; i++) {
      const p0 = estimates[i];
      if (!(p0 === p0)) continue;
      const p = Math.min(1 - 1e-6, Math.max(1e-6, p0));
      const y = targets[i] > 0.5 ? 1 : 0;
      sum += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      n++;
    }
    return { value: n > 0 ? sum / n : Number.NaN, metric: "logLoss", n, auc: auc(estimates, targets), accuracy: binaryScores(estimates, targets, 0.5).accuracy };
  }
  const m = mae(estimates, targets);
  return { value: m.mae, metric: "maeUm", n: m.n };
}

/** True when `candidate` is strictly better than `incumbent` (an incumbent without a score loses). */
export function beats(candidate: Score, incumbent: Score | null): boolean {
  if (!(candidate.value === candidate.value)) return false;
  if (!incumbent || !(incumbent.value === incumbent.value)) return true;
  return candidate.value < incumbent.value;
}
