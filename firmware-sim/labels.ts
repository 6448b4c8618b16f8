// The labels a technician records after a job (labels.jsonl of captures-and-labels.md). Not every
// job gets every field. judder follows the datasheet: felt on a test drive (a noisy, probabilistic
// function of DTV and runout), or, when only measurements were recorded, measured DTV ≥ 15 µm or
// measured runout before the cut ≥ 50 µm. dtvUm is a micrometer at 8 points: noisy, 1 µm steps,
// and it can miss the true maximum between points.

import type { Job } from "./job.ts";
import type { Rng } from "./random.ts";
import type { JobTruth } from "./truth.ts";

export interface Label {
  job: number;
  boardStartUs?: number;
  judder?: boolean;
  dtvUm?: number;
  raUm?: number;
}

/** How the judder label came about (kept in truth.jsonl so tests can check the definition). */
export interface LabelBasis {
  judderMode: "drive" | "measured" | null;
  /** Probability that judder is felt on a drive (computed for every job). */
  pFelt: number;
  /** Micrometer DTV and dial-indicator runout the technician read (measured mode or dtv label). */
  dtvMeasuredUm: number;
  lroMeasuredUm: number;
}

export const JUDDER_DTV_UM = 15;
export const JUDDER_LRO_UM = 50;

export function feltProbability(dtvUm: number, lroUm: number): number {
  const z = (dtvUm - 14) / 3 + Math.max(0, lroUm - 55) / 15;
  return 1 / (1 + Math.exp(-1.6 * z));
}

export function micrometerDtv(job: Job, rng: Rng): number {
  const start = rng.angle();
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < 8; k++) {
    const v = Math.round(job.causes.thickness.at(start + (k * Math.PI) / 4) + 0.6 * rng.normal());
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

export function makeLabel(job: Job, truth: JobTruth, rng: Rng): { label: Label; basis: LabelBasis } {
  const lro = truth.lroBeforeUm ?? truth.lroDiscUm;
  const basis: LabelBasis = {
    judderMode: null,
    pFelt: Math.round(feltProbability(truth.dtvUm, lro) * 1000) / 1000,
    dtvMeasuredUm: micrometerDtv(job, rng),
    lroMeasuredUm: Math.round((lro + 2 * rng.normal()) * 10) / 10,
  };
  const label: Label = { job: truth.job };
  if (rng.chance(0.8)) label.boardStartUs = truth.boardStartUs;
  const modeDraw = rng.next();
  const feltDraw = rng.next();
  let dtvRecorded = rng.chance(0.6);
  if (modeDraw < 0.55) {
    basis.judderMode = "drive";
    label.judder = feltDraw < basis.pFelt;
  } else if (modeDraw < 0.9) {
    basis.judderMode = "measured";
    label.judder = basis.dtvMeasuredUm >= JUDDER_DTV_UM || basis.lroMeasuredUm >= JUDDER_LRO_UM;
    dtvRecorded = true;
  }
  if (dtvRecorded) label.dtvUm = basis.dtvMeasuredUm;
  if (truth.raUm !== null && rng.chance(0.4)) label.raUm = Math.round(truth.raUm * rng.logNormal(0, 0.05) * 100) / 100;
  return { label, basis };
}
