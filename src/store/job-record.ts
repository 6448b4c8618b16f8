// The job record of the shop controller (issue 4), field for field: what the job tracker emits at
// the end of a job, what `replay --json` prints and what the job log stores. The pipeline imports
// this type; keep it a mirror of the JSON.
import { objectChannel } from "../runtime/channels/spec.ts";

export type Wheel = "FL" | "FR" | "RL" | "RR";
export type EstimateSource = "model" | "prior" | "rule";

export interface JobRecord {
  /** Unique id assigned by the job tracker. */
  id: string;
  /** 1-based; every job start counts (restarts at 1 with each controller run or replay). */
  ordinal: number;
  /** Board time of the job start, µs, 32-bit as the board sent it. */
  boardStartUs: number;
  /** Wall-clock ISO time of the start when live; null in a replay. */
  startedAt: string | null;
  status: "complete" | "interrupted";
  /** Why the job was interrupted; null when complete. */
  reason: string | null;
  revolutions: { measure: number; cut: number; check: number };
  /** Cut passes (a re-cut is one more pass of the same job). */
  passes: number;
  /** The controller's own measurements: median rpm from INDEX periods, lateral runout before/after, µm. */
  measured: { rpm: number | null; lroPreUm: number | null; lroPostUm: number | null };
  /** Estimate decided at the end of the last cut pass; p null when interrupted before that. */
  judder: { p: number | null; flag: boolean | null; source: EstimateSource; modelVersion: string | null };
  cutQuality: { lroPostUm: number | null; raUm: number | null; source: EstimateSource; modelVersion: string | null };
  alarms: unknown[];
  labels: { judder: boolean | null; dtvUm: number | null; raUm: number | null } | null;
  meta: { repairOrder: string | null; vehicle: string | null; wheel: Wheel | null; technician: string | null } | null;
  /** Frame counters per board, as the transport reports them (stored as given). */
  frames: { vib: Record<string, unknown>; run: Record<string, unknown> };
}

/** One revolution's features (INDEX to INDEX), as the feature extractor produces them. */
export interface RevolutionFeatures {
  phase: "measure" | "cut" | "check";
  /** 0-based revolution index within the job. */
  index: number;
  /** Board time at the revolution's start, µs. */
  boardUs: number;
  /** The feature vector; its layout is `featureNames` of the entry's `namesVersion`. */
  values: Float64Array | readonly number[];
}

/** What the pipeline hands the job log at the end of a job (the `jobs.records` channel). */
export interface JobLogEntry {
  record: JobRecord;
  /** Per-revolution features of the job, when the extractor kept them. */
  revolutions?: readonly RevolutionFeatures[];
  /** Version and names of the feature layout (stored once per version). */
  features?: { namesVersion: number; names: readonly string[] };
}

/**
 * The channel the job tracker writes ended jobs to and the job-log plugin reads. `reject` so no
 * record is lost: a writer that finds it full waits (`whenWritable`).
 */
export const jobRecordChannel = objectChannel<JobLogEntry>("jobs.records", { capacity: 64, policy: "reject" });
