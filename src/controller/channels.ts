// The shop controller's channels: what its built-in plugins hand each other (docs/plugins.md).
// Times are board time in µs on the one unwrapped timeline of both boards (float64, not wrapped).
//
//   source (boards | replay-source) → boards.vib, boards.run, boards.events
//   job-tracker  : boards.events → jobs.stream (+ jobs.ended, job events)
//   features     : boards.vib, boards.run, boards.events, jobs.stream → features.revs
//   judder-rule, cut-quality-rule : features.revs → judder.estimates, cut-quality.estimates
//   job-records  : features.revs, jobs.ended, *.estimates → jobs.records (JobLogEntry, src/store)
//   console, jsonl-log, job-log : jobs.records (+ features.revs, job events for live progress)
import { numericChannel, objectChannel } from "../runtime/index.ts";
import { FEATURE_NAMES } from "../dsp/vib-layout.ts";
import { PHASOR_NAMES } from "../dsp/phasor-layout.ts";

/** VIB samples as sent: t µs, raw counts x y z, saturation bits, continuity segment, w = arrival
 *  (performance.now() ms when the bytes were pushed; NaN in a replay). */
export const vibSamples = numericChannel("boards.vib", { fields: ["t", "x", "y", "z", "sat", "seg", "w"], capacity: 32768 });
/** RUN probe samples: t µs, raw counts (× lsb = µm), saturation bit, segment, arrival ms. */
export const runSamples = numericChannel("boards.run", { fields: ["t", "v", "sat", "seg", "w"], capacity: 16384 });

/** Board frames other than samples, and link events, in arrival order (both boards). */
export const boardEvents = numericChannel("boards.events", {
  fields: ["kind", "board", "t", "a", "b", "c", "d", "e", "f"],
  capacity: 4096,
});
/** `board` column. */
export const Board = { VIB: 0, RUN: 1 } as const;
/** `kind` column of boards.events, and what a..f hold. */
export const BoardEvent = {
  /** a rate Hz, b lsb, c reset (1: the board rebooted), d serial number. */
  HELLO: 1,
  /** t = mark time, a period µs, b mark as sent (u32). */
  INDEX: 2,
  /** t = frame time, a state, b rpm, c tool 0.01 mm, d flags, e t as sent (u32). */
  LATHE: 3,
  /** a flags, b dropped samples. */
  STATUS: 4,
  /** a frames lost before this point (seq gap). */
  GAP: 5,
  /** The board went away (live: silent or port gone). */
  LOST: 6,
  /** It came back. */
  BACK: 7,
  /** The source has nothing more (end of the captures / stop). */
  END: 8,
  /** Decoder counters so far: a framesOk, b dropped, c lostFrames, d gaps, e resets, f samples. */
  COUNTERS: 9,
} as const;

/** The job tracker's output, in order: a job's start, its revolutions, the end of each cut pass
 *  and its end. Revolutions are [t, t + period). */
export const jobStream = numericChannel("jobs.stream", {
  fields: ["kind", "ordinal", "t", "period", "phase", "comp", "pass", "tool"],
  capacity: 1024,
});
export const StreamKind = { START: 1, REV: 2, CUT_END: 3, END: 4 } as const;
/** `phase` column: lathe state 1 measure, 2 cut, 3 check; −1 no phase (the state changed). */
export const NO_PHASE = -1;

/** jobs.stream's columns, then the revolution's measurements, then the vibration features, then
 *  the phasors of orders 1..4 of the probe and each axis (src/dsp/phasor-layout.ts; appended last
 *  so that the columns before them keep their places). */
export const REV_META_FIELDS = ["kind", "ordinal", "t", "period", "phase", "comp", "pass", "tool", "ok", "lroUm", "rpm", "wanderUm", "latencyMs"] as const;
export const VIB_FIELDS = FEATURE_NAMES.map((n) => `vib_${n}`);
export const PHASOR_FIELDS = PHASOR_NAMES.map((n) => `ph_${n}`);
export const featureRevs = numericChannel("features.revs", { fields: [...REV_META_FIELDS, ...VIB_FIELDS, ...PHASOR_FIELDS], capacity: 1024 });

/** What the tracker knows about an ended job (the record builder joins it by ordinal). */
export interface EndedJob {
  ordinal: number;
  id: string;
  boardStartUs: number;
  startedAt: string | null;
  status: "complete" | "interrupted";
  reason: string | null;
  passes: number;
  /** Per board: decoder counters over the job (end − start). */
  frames: { vib: Record<string, number>; run: Record<string, number> };
  alarms: { code: string; board?: string; atUs: number; message: string }[];
}
export const jobsEnded = objectChannel<EndedJob>("jobs.ended", { capacity: 64, policy: "reject" });

/** One estimate per job from each estimator, sent at the job's end (decided at its last cut end). */
export interface JudderEstimate {
  ordinal: number;
  p: number | null;
  flag: boolean | null;
  source: "model" | "prior" | "rule";
  modelVersion: string | null;
}
export interface CutQualityEstimate {
  ordinal: number;
  lroPostUm: number | null;
  raUm: number | null;
  source: "model" | "prior" | "rule";
  modelVersion: string | null;
  /** Alarms decided with the estimate (learned chatter / loose-mount alarms); added to the record. */
  alarms?: { code: string; atUs: number; message: string; score?: number; ratio?: number }[];
}
export const judderEstimates = objectChannel<JudderEstimate>("judder.estimates", { capacity: 64, policy: "reject" });
export const cutQualityEstimates = objectChannel<CutQualityEstimate>("cut-quality.estimates", { capacity: 64, policy: "reject" });
