// What the soak compares per job: the simulator's truth, the controller's job-log row, and the
// faults the run injected (as windows of simulation time).
import type { FinishedJob, JobTruth } from "../../firmware-sim/index.ts";

/** The simulator's account of one job (a subset of its JobTruth; times in sim µs since power-up). */
export type TruthJob = Pick<JobTruth, "job" | "boardStartUs" | "startSimUs" | "endSimUs" | "aborted" | "recut" | "rpm" | "lroBeforeUm" | "residualLroUm"> & {
  /** Revolutions that lie in one phase (measure, cut or check). */
  phaseRevs: number;
  /** Runout wander of a loose adapter, µm (0: the adapter is tight). */
  looseWanderUm: number;
};

export function truthJob(j: FinishedJob): TruthJob {
  return {
    job: j.job,
    boardStartUs: j.boardStartUs,
    startSimUs: j.startSimUs,
    endSimUs: j.endSimUs,
    aborted: j.aborted,
    recut: j.recut,
    rpm: j.rpm,
    lroBeforeUm: j.lroBeforeUm,
    residualLroUm: j.residualLroUm,
    phaseRevs: j.revolutions.measure + j.revolutions.cut + j.revolutions.check,
    looseWanderUm: Number(j.causes.looseWanderUm ?? 0),
  };
}

/** A job as the controller logged it (from the job log). */
export interface LoggedJob {
  ordinal: number | null;
  boardStartUs: number | null;
  status: string;
  reason: string | null;
  passes: number | null;
  rpm: number | null;
  lroPreUm: number | null;
  lroPostUm: number | null;
  /** Revolutions counted in measure, cut and check (null: not logged). */
  revs: number | null;
  /** Line damage the decoders saw during the job, both boards: dropped frames + seq gaps (0: a clean line). */
  lineDamage: number;
}

/** reset: a planned reboot; unplug: a planned port loss; lost: a board the controller lost without a plan (e.g. silent). */
export type FaultKind = "reset" | "unplug" | "lost";

/**
 * One injected fault as a window of sim time. A reset: [atS, atS + 0.3 s dark]. An unplug: from the
 * moment the port vanished until the controller had the board back (its BACK event, mapped to sim
 * time), which at high speed lasts longer in board time than the unplug itself: reconnecting takes
 * wall-clock time (backoff, identification) and board time runs `speed` times faster.
 */
export interface FaultWindow {
  kind: FaultKind;
  board: "vib" | "run";
  fromSimUs: number;
  toSimUs: number;
}
