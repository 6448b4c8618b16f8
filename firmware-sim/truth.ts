// Ground truth the boards never send: per revolution (the noise-free face shape's peak-to-peak as
// the probe sees it) and per job (hidden causes and the datasheet's quantities computed from the
// noise-free model). Written to truth.jsonl; used by tests to check what the controller computes.

import { LatheState } from "../src/protocol/index.ts";
import type { Job } from "./job.ts";
import { chatterG, compliance } from "./physics/cut-model.ts";
import { round3 } from "./physics/harmonics.ts";

export interface RevolutionTruth {
  job: number;
  /** INDEX marks that open and close the revolution: board time as sent (u32) and sim time. */
  startMarkUs: number;
  endMarkUs: number;
  startSimUs: number;
  endSimUs: number;
  /** Spindle revolution count at the opening mark (φ, an integer). */
  startPhi: number;
  /** Lathe state in force at the opening mark, or null if the state changed during the revolution. */
  phase: number | null;
  /** The revolution started after the lathe reported compensation done. */
  compensated: boolean;
  /** max − min of the noise-free probe reading over the revolution (µm), misalignment included. */
  shapeP2pUm: number;
}

export interface JobTruth {
  job: number;
  /** Board time (u32, as sent) of the LATHE frame that started the job; filled by the simulator. */
  boardStartUs: number;
  startSimUs: number;
  endSimUs: number;
  aborted: "measure" | "cut" | null;
  recut: boolean;
  rpm: number;
  /** Median shape p2p over measure revolutions that started after compensation (null if none). */
  lroBeforeUm: number | null;
  /** Peak-to-peak of the disc's own face runout relative to the hub (no lathe, no adapter). */
  lroDiscUm: number;
  /** Peak-to-peak of the incoming noise-free thickness profile. */
  dtvUm: number;
  /** Median shape p2p over the check revolutions after the last cut (null if there were none). */
  residualLroUm: number | null;
  residualDtvUm: number | null;
  /** Surface finish after the cut, µm (null when the cut never finished). */
  raUm: number | null;
  revolutions: { measure: number; measureCompensated: number; cut: number; check: number; mixed: number };
  causes: Record<string, unknown>;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const r3 = (x: number | null) => (x === null ? null : round3(x));

export function jobTruth(job: Job, revs: RevolutionTruth[]): JobTruth {
  const c = job.causes;
  const lastCut = job.cuts[job.cuts.length - 1];
  const measure = revs.filter((r) => r.phase === LatheState.MEASURE);
  const measureComp = measure.filter((r) => r.compensated);
  const checkRevs = lastCut ? revs.filter((r) => r.phase === LatheState.CHECK && r.startPhi >= lastCut.phiEnd) : [];
  const finished = job.plan.aborted === null;
  const final = job.surfaces[job.surfaces.length - 1];
  return {
    job: job.ordinal,
    boardStartUs: 0,
    startSimUs: Math.round(job.startSimUs),
    endSimUs: Math.round(job.endSimUs),
    aborted: job.plan.aborted,
    recut: job.plan.recut,
    rpm: c.rpmSetPoint,
    lroBeforeUm: r3(median(measureComp.map((r) => r.shapeP2pUm))),
    lroDiscUm: round3(c.runout.peakToPeak()),
    dtvUm: round3(c.thickness.peakToPeak()),
    residualLroUm: r3(median(checkRevs.map((r) => r.shapeP2pUm))),
    residualDtvUm: job.surfaces.length > 1 ? round3(final.thickness.peakToPeak()) : null,
    raUm: finished ? job.raUm : null,
    revolutions: {
      measure: measure.length,
      measureCompensated: measureComp.length,
      cut: revs.filter((r) => r.phase === LatheState.CUT).length,
      check: revs.filter((r) => r.phase === LatheState.CHECK).length,
      mixed: revs.filter((r) => r.phase === null).length,
    },
    causes: {
      tipCuts: c.tipCuts,
      mountStiffness: round3(c.mountStiffness),
      compliance: round3(compliance(c)),
      chatterG: round3(chatterG(c)),
      chatterHz: Math.round(c.chatterHz),
      rust: round3(c.rust),
      hardSpots: c.hardSpots.map((h) => ({ angle: round3(h.angle), severity: round3(h.severity) })),
      looseWanderUm: round3(c.looseWanderUm),
      misalignmentP2pUm: round3(2 * c.misalignmentUm),
      misalignmentPhase: round3(c.misalignmentPhase),
      rpmJitter: round3(c.rpmJitter),
      probeOffsetUm: round3(c.probeOffsetUm),
      cutDepthUm: round3(c.cutDepthUm),
      bandWidthMm: round3(c.bandWidthMm),
      compensationMark: job.plan.compensationMark,
      runout: c.runout.toJSON(),
      thickness: c.thickness.toJSON(),
    },
  };
}
