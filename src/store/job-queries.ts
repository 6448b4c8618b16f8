// Reading jobs back: lists, one job as its record, export iteration, and a job's features.
import type Database from "better-sqlite3";
import { decodeVector } from "./feature-blob.ts";
import type { RevolutionFeatures } from "./job-record.ts";
import { jobFromRows, labelFromRow, type JobRow, type LabelRow, type PredictionRow, type StoredJob } from "./rows.ts";

export interface ListOptions {
  /** Newest first, at most this many. Default 50. */
  limit?: number;
  /** Only jobs logged at or after this epoch-ms time. */
  since?: number;
}

// Statements prepared once per connection (a retrain reads thousands of jobs through these).
const prepared = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function prepare(db: Database.Database) {
  return {
    job: db.prepare(`SELECT * FROM jobs WHERE id = ?`),
    predictions: db.prepare(`SELECT target, value, flag, model_version, source, time FROM predictions WHERE job_id = ? ORDER BY id`),
    labels: db.prepare(`SELECT * FROM labels WHERE job_id = ? ORDER BY id`),
    features: db.prepare(`SELECT rev, phase, board_us, names_version, vec FROM features WHERE job_id = ? ORDER BY rev`),
  };
}
function st(db: Database.Database): ReturnType<typeof prepare> {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

function assemble(db: Database.Database, row: JobRow): StoredJob {
  const preds = st(db).predictions.all(row.id) as PredictionRow[];
  const labels = (st(db).labels.all(row.id) as LabelRow[]).map(labelFromRow);
  return jobFromRows(row, preds, labels);
}

export function getJob(db: Database.Database, id: string): StoredJob | null {
  const row = st(db).job.get(id) as JobRow | undefined;
  return row ? assemble(db, row) : null;
}

/** The most recently logged job with this ordinal (ordinals restart with each controller run). */
export function getJobByOrdinal(db: Database.Database, ordinal: number): StoredJob | null {
  const row = db.prepare(`SELECT * FROM jobs WHERE ordinal = ? ORDER BY rowid DESC LIMIT 1`).get(ordinal) as JobRow | undefined;
  return row ? assemble(db, row) : null;
}

/** Newest first. */
export function listJobs(db: Database.Database, opts: ListOptions = {}): StoredJob[] {
  const rows = db
    .prepare(`SELECT * FROM jobs WHERE logged_at >= ? ORDER BY rowid DESC LIMIT ?`)
    .all(opts.since ?? 0, opts.limit ?? 50) as JobRow[];
  return rows.map((r) => assemble(db, r));
}

/** Every job, oldest first, one at a time (an export of a large log holds one record in memory). */
export function* iterateJobs(db: Database.Database, opts: { since?: number } = {}): Generator<StoredJob> {
  const ids = db.prepare(`SELECT id FROM jobs WHERE logged_at >= ? ORDER BY rowid`).pluck().all(opts.since ?? 0) as string[];
  for (const id of ids) {
    const job = getJob(db, id);
    if (job) yield job;
  }
}

export function countJobs(db: Database.Database): number {
  return db.prepare(`SELECT count(*) FROM jobs`).pluck().get() as number;
}

export interface StoredRevolution extends RevolutionFeatures {
  values: Float64Array;
  namesVersion: number;
}

/** A job's per-revolution features in revolution order. */
export function jobFeatures(db: Database.Database, jobId: string): StoredRevolution[] {
  const rows = st(db).features.all(jobId) as Array<{
    rev: number;
    phase: RevolutionFeatures["phase"];
    board_us: number;
    names_version: number;
    vec: Buffer;
  }>;
  return rows.map((r) => ({ index: r.rev, phase: r.phase, boardUs: r.board_us, namesVersion: r.names_version, values: decodeVector(r.vec) }));
}

export interface TrainingJob {
  job: StoredJob;
  revolutions: StoredRevolution[];
}

/**
 * Jobs that have at least one label (or a measured post-cut runout, the cut-quality label every
 * complete job carries), oldest first, with their features: what `retrain` reads. `since` filters
 * on when the job was logged (epoch ms). One job in memory at a time.
 */
export function* iterateTrainingJobs(db: Database.Database, opts: { since?: number; labelledOnly?: boolean } = {}): Generator<TrainingJob> {
  const where = opts.labelledOnly === false
    ? `status = 'complete'`
    : `status = 'complete' AND (lro_post_um IS NOT NULL OR EXISTS (SELECT 1 FROM labels l WHERE l.job_id = jobs.id))`;
  const ids = db.prepare(`SELECT id FROM jobs WHERE logged_at >= ? AND ${where} ORDER BY rowid`).pluck().all(opts.since ?? 0) as string[];
  for (const id of ids) {
    const job = getJob(db, id);
    if (job) yield { job, revolutions: jobFeatures(db, id) };
  }
}
