// The script of one job: how long the lathe idles, how many revolutions each phase lasts (fractional,
// so phase changes fall anywhere in a revolution), when compensation completes, and whether the job
// is aborted or re-cut. Phases after the measure start are counted in revolutions of the spindle.

import type { Rng } from "./random.ts";
import { LatheState } from "../src/protocol/index.ts";

export interface JobPlanOptions {
  /** Probability the job is aborted (in measure or in the cut); default 0. */
  abortP?: number;
  /** Probability of a re-cut (check → cut again → check, same job); default 0. */
  recutP?: number;
  /** Cut as long as a real one (~4 min) instead of a few dozen revolutions; default false. */
  realLengthCut?: boolean;
}

export interface PlannedPhase {
  state: 1 | 2 | 3;
  /** Length in spindle revolutions (fractional). */
  revs: number;
}

export interface JobPlan {
  /** Spindle stopped at the start of the job's idle (technician sets up the car), s. */
  idleStoppedS: number;
  /** Spindle turning in idle before the measure starts, s (after a 0.5 s spin-up). */
  idleSpinS: number;
  phases: PlannedPhase[];
  /** Compensation aligns the lathe at the n-th INDEX mark after the measure starts. */
  compensationMark: number;
  /** The lathe reports compensation done this many revolutions after that mark. */
  compensationFlagLagRevs: number;
  aborted: "measure" | "cut" | null;
  recut: boolean;
}

export function planJob(rng: Rng, rpm: number, opts: JobPlanOptions = {}): JobPlan {
  const measure = rng.uniform(5.2, 6.9);
  const cut = opts.realLengthCut ? (240 * rpm) / 60 + rng.uniform(-20, 20) : rng.uniform(17, 23);
  const check = rng.uniform(4.3, 5.9);
  const plan: JobPlan = {
    idleStoppedS: rng.uniform(0.8, 1.6),
    idleSpinS: rng.uniform(0.3, 0.8),
    phases: [
      { state: LatheState.MEASURE, revs: measure },
      { state: LatheState.CUT, revs: cut },
      { state: LatheState.CHECK, revs: check },
    ],
    compensationMark: rng.int(2, 3),
    compensationFlagLagRevs: rng.uniform(0.1, 0.5),
    aborted: null,
    recut: false,
  };
  const abortDraw = rng.next();
  const recutDraw = rng.next();
  if (abortDraw < (opts.abortP ?? 0)) {
    if (rng.chance(0.5)) {
      plan.aborted = "measure";
      plan.phases = [{ state: LatheState.MEASURE, revs: rng.uniform(1.3, 4.5) }];
    } else {
      plan.aborted = "cut";
      plan.phases = [{ state: LatheState.MEASURE, revs: measure }, { state: LatheState.CUT, revs: rng.uniform(2.5, cut * 0.6) }];
    }
  } else if (recutDraw < (opts.recutP ?? 0)) {
    plan.recut = true;
    plan.phases.push({ state: LatheState.CUT, revs: rng.uniform(9, 14) }, { state: LatheState.CHECK, revs: rng.uniform(4.3, 5.9) });
  }
  return plan;
}
