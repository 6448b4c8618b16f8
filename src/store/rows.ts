// Row shapes of the job log and their conversion to the job record (issue 4's JSON) and back.
import type { EstimateSource, JobRecord, Wheel } from "./job-record.ts";

export type JobStatus = "running" | "complete" | "interrupted";
export type LabelSource = "technician" | "panel" | "label-file" | "cli" | "dashboard";
export const LABEL_SOURCES: readonly LabelSource[] = ["technician", "panel", "label-file", "cli", "dashboard"];
export const WHEELS: readonly Wheel[] = ["FL", "FR", "RL", "RR"];

/** A job as the log holds it: the record plus when and by which controller run it was logged. */
export interface StoredJob extends Omit<JobRecord, "status" | "ordinal"> {
  status: JobStatus;
  /** null only for a job whose start was logged without one and that never ended. */
  ordinal: number | null;
  session: string | null;
  /** Epoch ms when the row was first written / when the end was committed (null while running). */
  loggedAt: number;
  endedAt: number | null;
}

export interface JobRow {
  id: string;
  session: string | null;
  ordinal: number | null;
  board_start_us: number | null;
  started_at: string | null;
  logged_at: number;
  ended_at: number | null;
  status: JobStatus;
  reason: string | null;
  rev_measure: number | null;
  rev_cut: number | null;
  rev_check: number | null;
  passes: number | null;
  rpm: number | null;
  lro_pre_um: number | null;
  lro_post_um: number | null;
  alarms: string;
  frames: string;
  repair_order: string | null;
  vehicle: string | null;
  wheel: Wheel | null;
  technician: string | null;
}

export interface PredictionRow {
  target: "judder" | "lroPostUm" | "raUm";
  value: number | null;
  flag: number | null;
  model_version: string | null;
  source: EstimateSource;
  time: number;
}

/** One label as given (null: this label says nothing about that value). */
export interface Label {
  id: number;
  jobId: string;
  judder: boolean | null;
  dtvUm: number | null;
  raUm: number | null;
  source: LabelSource;
  who: string | null;
  /** Epoch ms. */
  time: number;
}

export interface LabelRow {
  id: number;
  job_id: string;
  judder: number | null;
  dtv_um: number | null;
  ra_um: number | null;
  source: LabelSource;
  who: string | null;
  time: number;
}

export function labelFromRow(r: LabelRow): Label {
  return { id: r.id, jobId: r.job_id, judder: r.judder === null ? null : r.judder === 1, dtvUm: r.dtv_um, raUm: r.ra_um, source: r.source, who: r.who, time: r.time };
}

/** The job's current labels: per value, the latest label that gives it (history stays in the table). */
export function currentLabels(history: readonly Label[]): JobRecord["labels"] {
  if (history.length === 0) return null;
  const out: NonNullable<JobRecord["labels"]> = { judder: null, dtvUm: null, raUm: null };
  for (const l of history) {
    if (l.judder !== null) out.judder = l.judder;
    if (l.dtvUm !== null) out.dtvUm = l.dtvUm;
    if (l.raUm !== null) out.raUm = l.raUm;
  }
  return out;
}

export function jobFromRows(r: JobRow, predictions: readonly PredictionRow[], labels: readonly Label[]): StoredJob {
  const latest = (t: PredictionRow["target"]): PredictionRow | undefined => predictions.filter((p) => p.target === t).at(-1);
  const j = latest("judder");
  const lro = latest("lroPostUm");
  const ra = latest("raUm");
  const cq = lro ?? ra;
  const meta = r.repair_order ?? r.vehicle ?? r.wheel ?? r.technician;
  return {
    id: r.id,
    ordinal: r.ordinal,
    boardStartUs: r.board_start_us ?? 0,
    startedAt: r.started_at,
    status: r.status,
    reason: r.reason,
    revolutions: { measure: r.rev_measure ?? 0, cut: r.rev_cut ?? 0, check: r.rev_check ?? 0 },
    passes: r.passes ?? 0,
    measured: { rpm: r.rpm, lroPreUm: r.lro_pre_um, lroPostUm: r.lro_post_um },
    judder: { p: j?.value ?? null, flag: j?.flag == null ? null : j.flag === 1, source: j?.source ?? "rule", modelVersion: j?.model_version ?? null },
    cutQuality: { lroPostUm: lro?.value ?? null, raUm: ra?.value ?? null, source: cq?.source ?? "rule", modelVersion: cq?.model_version ?? null },
    alarms: JSON.parse(r.alarms) as unknown[],
    labels: currentLabels(labels),
    meta: meta == null ? null : { repairOrder: r.repair_order, vehicle: r.vehicle, wheel: r.wheel, technician: r.technician },
    frames: JSON.parse(r.frames) as JobRecord["frames"],
    session: r.session,
    loggedAt: r.logged_at,
    endedAt: r.ended_at,
  };
}
