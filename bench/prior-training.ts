// One prior model of a kind, trained as bench/train-prior.ts ships it: from replayed simulator jobs
// (JobSample: the learners' per-job inputs and labels), each job's target as the online learner is
// taught it (targets.ts), in mini-batches by retrain's trainBatch, `origin` naming the prior's version.
// Shared by train:prior and bench:prior-rates, so the rates are compared on the shipped recipe.
import { MODEL_KINDS } from "../src/learn/learners.ts";
import { judderTarget, raTarget } from "../src/learn/targets.ts";
import { RETRAIN_DEFAULTS, trainBatch, type TrainResult } from "../src/retrain/batch-train.ts";
import type { JobSample } from "../src/learn/job-sample.ts";

export type PriorKind = typeof MODEL_KINDS.judder | typeof MODEL_KINDS.ra;

export function trainPrior(kind: PriorKind, samples: readonly JobSample[], epochs: number, origin: string): TrainResult & { labels: number } {
  const x: Float64Array[] = [];
  const t: number[] = [];
  for (const s of samples) {
    if (!s.inputs) continue;
    const y = kind === MODEL_KINDS.judder ? judderTarget(s.labels, s.lroPreUm) : raTarget(s.labels);
    if (y === y) {
      x.push(Float64Array.from(s.inputs));
      t.push(y);
    }
  }
  const r = trainBatch(kind, x, t, { ...RETRAIN_DEFAULTS, epochs });
  r.model.origin = origin;
  return { ...r, labels: x.length };
}
