// What is reachable on a simulator scenario: the scores of an ORACLE that knows each job's hidden
// causes, computed from the simulator's own code (firmware-sim labels.ts, physics/cut-model.ts) for
// the same jobs and the same labels as the evaluation. No learner can beat these on average.
//
//   judder  p* = P(judder target = 1 | the job's true DTV, runout, label process): the label
//           process (makeLabel: felt on a test drive with probability pFelt(DTV, LRO), or a
//           micrometer/dial measurement, or no label) drawn `draws` times with fresh random
//           numbers, each draw turned into the learner's target (judderTarget); p* = positives /
//           labelled draws. Scored against the labels the run really got: AUC, F1 at 0.5 and F1
//           at the best threshold (optimistic: chosen on the scored labels themselves).
//   Ra      the median of the label given the causes: surfaceRa with its lognormal finish noise
//           at its median (1), times the label's own rounding noise at its median. MAE against
//           the run's Ra labels (that noise is what no input reveals).
// Also: how well the DTV estimate tracks the true DTV (Spearman rank correlation; the median and
// the mean absolute error after one fleet-wide scale, the median ratio), for the learners' inputs
// co_dtv_post_log (the gain shrunk toward the fleet's) and co_dtv_log (this job's gain alone: a car
// with little runout can get a wild estimate, which the mean error shows).
import { Fleet, getScenario } from "../../firmware-sim/scenarios.ts";
import { makeLabel } from "../../firmware-sim/labels.ts";
import { surfaceRa } from "../../firmware-sim/physics/cut-model.ts";
import { Rng, mixSeed } from "../../firmware-sim/random.ts";
import type { JobTruth } from "../../firmware-sim/truth.ts";
import type { Job } from "../../firmware-sim/job.ts";
import { INPUT_INDEX } from "../learn/job-inputs.ts";
import type { JobSample } from "../learn/job-sample.ts";
import { auc, binaryScores, mae } from "../learn/metrics.ts";
import { judderTarget, raTarget } from "../learn/targets.ts";

export interface Ceiling {
  judder: { auc: number; f1At05: number; f1Best: number; n: number };
  raMae: number;
  raN: number;
  /** co_dtv_post_log (and co_dtv_log: raw) against the true DTV: Spearman ρ, median and mean
   *  absolute error µm after one fleet-wide scale. */
  dtv: { spearman: number; medianErrUm: number; maeUm: number; rawSpearman: number; rawMedianErrUm: number; rawMaeUm: number; n: number };
}

/** A random-number source whose lognormal draws sit at their median (the noise no input shows). */
const medianNoise = { logNormal: () => 1, normal: () => 0, next: () => 0.5, uniform: (a: number, b: number) => 0.5 * (a + b) } as unknown as Rng;

/** The scenario's jobs as the simulator drew them (Fleet is deterministic in scenario, jobs, seed). */
function fleetJobs(scenario: string, jobs: number, seed: number): Map<number, Job> {
  const fleet = new Fleet(getScenario(scenario), jobs, seed);
  const out = new Map<number, Job>();
  for (let o = 1; o <= jobs; o++) {
    const j = fleet.next(o);
    if (!j) break;
    out.set(o, j);
  }
  return out;
}

/** P(judder target = 1 | causes) by drawing the label process. */
export function judderOracle(job: Job, truth: Partial<JobTruth>, draws: number, seed: number): number {
  const rng = new Rng(mixSeed(seed, job.ordinal, 0x0c1e));
  const lro = truth.lroBeforeUm ?? job.causes.runout.peakToPeak();
  const t = { job: job.ordinal, boardStartUs: 0, lroBeforeUm: lro, lroDiscUm: job.causes.runout.peakToPeak(), dtvUm: job.causes.thickness.peakToPeak(), raUm: job.raUm } as JobTruth;
  let labelled = 0;
  let pos = 0;
  for (let d = 0; d < draws; d++) {
    const { label } = makeLabel(job, t, rng);
    const y = judderTarget({ judder: label.judder ?? null, dtvUm: label.dtvUm ?? null, raUm: null }, lro);
    if (y === y) {
      labelled++;
      pos += y;
    }
  }
  return labelled > 0 ? pos / labelled : Number.NaN;
}

function ranks(xs: number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  idx.forEach((i, k) => (r[i] = k));
  return r;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** The oracle's scores on a scenario run's samples (samples need their truth lines). */
export function scenarioCeiling(scenario: string, jobs: number, seed: number, samples: readonly JobSample[], draws = 400): Ceiling {
  const fleet = fleetJobs(scenario, jobs, seed);
  const p: number[] = [];
  const y: number[] = [];
  const raHat: number[] = [];
  const ra: number[] = [];
  const dtvHat: number[] = [];
  const dtvRaw: number[] = [];
  const dtvTrue: number[] = [];
  for (const s of samples) {
    const job = fleet.get(s.ordinal);
    if (!job || !s.inputs) continue;
    const truth = (s.truth ?? {}) as Partial<JobTruth>;
    const t = judderTarget(s.labels, s.lroPreUm);
    if (t === t) {
      p.push(judderOracle(job, truth, draws, seed));
      y.push(t);
    }
    const a = raTarget(s.labels);
    if (a === a) {
      raHat.push(surfaceRa(medianNoise, job.causes));
      ra.push(a);
    }
    const d = Math.expm1(s.inputs[INPUT_INDEX.co_dtv_post_log]);
    const raw = Math.expm1(s.inputs[INPUT_INDEX.co_dtv_log]);
    if (Number.isFinite(d) && Number.isFinite(raw)) {
      dtvHat.push(d);
      dtvRaw.push(raw);
      dtvTrue.push(job.causes.thickness.peakToPeak());
    }
  }
  let f1Best = 0;
  for (let th = 0.02; th < 1; th += 0.02) f1Best = Math.max(f1Best, binaryScores(p, y, th).f1);
  const track = (est: number[]) => {
    const ratios = dtvTrue.map((v, i) => v / est[i]).filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
    const scale = ratios.length > 0 ? ratios[ratios.length >> 1] : Number.NaN;
    const errs = est.map((v, i) => Math.abs(v * scale - dtvTrue[i])).sort((a, b) => a - b);
    return {
      spearman: est.length > 2 ? pearson(ranks(est), ranks(dtvTrue)) : Number.NaN,
      median: errs.length > 0 ? errs[errs.length >> 1] : Number.NaN,
      mae: mae(est.map((v) => v * scale), dtvTrue).mae,
    };
  };
  const post = track(dtvHat);
  const raw = track(dtvRaw);
  return {
    judder: { auc: auc(p, y), f1At05: binaryScores(p, y, 0.5).f1, f1Best, n: y.length },
    raMae: mae(raHat, ra).mae,
    raN: ra.length,
    dtv: { spearman: post.spearman, medianErrUm: post.median, maeUm: post.mae, rawSpearman: raw.spearman, rawMedianErrUm: raw.median, rawMaeUm: raw.mae, n: dtvHat.length },
  };
}
