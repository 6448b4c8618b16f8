// The job log: one SQLite file holding every job, its per-revolution features, predictions,
// labels, models, events and counters. One JobLog per connection; the controller opens it as
// `owner` (takes the lock, marks the job it was running when it died as interrupted), commands open
// it without (WAL lets them read and add labels while the controller writes).
//
// A job is written twice: a `running` row at its start, then everything at its end in one
// transaction (row, features, predictions, labels, counters), so a job is either fully ended or
// still marked running, which the next owner open turns into `interrupted`.
import type Database from "better-sqlite3";
import { openDatabase, type OpenDatabaseOptions } from "./database.ts";
import { StoreError, StoreErrorCodes, errorText, isDiskFullError } from "./errors.ts";
import { encodeVector } from "./feature-blob.ts";
import type { JobLogEntry, JobRecord } from "./job-record.ts";
import { acquireLock } from "./lock.ts";
import { TIP_CUTS, addDaily, bumpCounter, dailyTotals, localDay, readCounter, resetCounter, type CounterValue } from "./counters.ts";
import { dirname } from "node:path";
import { ModelRegistry } from "./models.ts";
import { LABEL_SOURCES, WHEELS, labelFromRow, type Label, type LabelRow, type LabelSource } from "./rows.ts";

export interface JobLogOptions extends OpenDatabaseOptions {
  /** The controller's connection: take the lock and mark running jobs interrupted. Default false. */
  owner?: boolean;
  /** Wall clock, epoch ms. Default Date.now. */
  now?: () => number;
}

export interface JobStart {
  id: string;
  ordinal?: number | null;
  boardStartUs?: number | null;
  startedAt?: string | null;
}

export interface NewLabel {
  jobId: string;
  judder?: boolean | null;
  dtvUm?: number | null;
  raUm?: number | null;
  source: LabelSource;
  who?: string | null;
  /** Epoch ms; default now. */
  time?: number;
}

export interface JobMeta {
  repairOrder?: string | null;
  vehicle?: string | null;
  wheel?: string | null;
  technician?: string | null;
}

export interface LogEvent {
  type: string;
  time: number;
  source: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The reason given to jobs found running when an owner opens the log. */
export const PROCESS_ENDED = "process ended";

function fullError(file: string, what: string, err: unknown): StoreError {
  return new StoreError(StoreErrorCodes.FULL, `disk full: could not ${what} in job log ${file} (${errorText(err)}); earlier jobs are intact`, file, err);
}

export class JobLog {
  readonly db: Database.Database;
  readonly file: string;
  /** This connection's controller run (its open time, ISO) when owner; null otherwise. */
  readonly session: string | null;
  /** Where a damaged file was moved when `freshLog` started a new log. */
  readonly movedAside: string | null;
  /** Jobs found running and marked interrupted when this owner opened the log. */
  readonly interruptedOnOpen: number;
  readonly now: () => number;
  /** The model registry in this log. */
  readonly models: ModelRegistry;
  private releaseLock: (() => void) | null = null;
  private readonly stmt;

  static open(file: string, opts: JobLogOptions = {}): JobLog {
    const release = opts.owner ? acquireLock(file) : null;
    try {
      const opened = openDatabase(file, opts);
      return new JobLog(file, opened.db, opened.movedAside, release, opts);
    } catch (err) {
      release?.();
      throw err;
    }
  }

  private constructor(file: string, db: Database.Database, movedAside: string | null, release: (() => void) | null, opts: JobLogOptions) {
    this.file = file;
    this.db = db;
    this.movedAside = movedAside;
    this.releaseLock = release;
    this.now = opts.now ?? Date.now;
    this.models = new ModelRegistry(db, dirname(file), this.now);
    this.session = opts.owner ? new Date(this.now()).toISOString() : null;
    this.stmt = {
      start: db.prepare(`INSERT INTO jobs (id, session, ordinal, board_start_us, started_at, logged_at, status) VALUES (?, ?, ?, ?, ?, ?, 'running')`),
      end: db.prepare(`
        INSERT INTO jobs (id, session, ordinal, board_start_us, started_at, logged_at, ended_at, status, reason, rev_measure, rev_cut, rev_check,
                          passes, rpm, lro_pre_um, lro_post_um, alarms, frames, repair_order, vehicle, wheel, technician)
        VALUES (@id, @session, @ordinal, @boardStartUs, @startedAt, @now, @now, @status, @reason, @revMeasure, @revCut, @revCheck,
                @passes, @rpm, @lroPreUm, @lroPostUm, @alarms, @frames, @repairOrder, @vehicle, @wheel, @technician)
        ON CONFLICT (id) DO UPDATE SET
          ordinal = excluded.ordinal, board_start_us = excluded.board_start_us, started_at = excluded.started_at,
          ended_at = excluded.ended_at, status = excluded.status, reason = excluded.reason,
          rev_measure = excluded.rev_measure, rev_cut = excluded.rev_cut, rev_check = excluded.rev_check, passes = excluded.passes,
          rpm = excluded.rpm, lro_pre_um = excluded.lro_pre_um, lro_post_um = excluded.lro_post_um,
          alarms = excluded.alarms, frames = excluded.frames,
          repair_order = coalesce(excluded.repair_order, repair_order), vehicle = coalesce(excluded.vehicle, vehicle),
          wheel = coalesce(excluded.wheel, wheel), technician = coalesce(excluded.technician, technician)`),
      names: db.prepare(`INSERT INTO feature_names (version, names) VALUES (?, ?) ON CONFLICT (version) DO NOTHING`),
      namesOf: db.prepare(`SELECT names FROM feature_names WHERE version = ?`).pluck(),
      clearFeatures: db.prepare(`DELETE FROM features WHERE job_id = ?`),
      feature: db.prepare(`INSERT INTO features (job_id, rev, phase, board_us, names_version, vec) VALUES (?, ?, ?, ?, ?, ?)`),
      clearPredictions: db.prepare(`DELETE FROM predictions WHERE job_id = ?`),
      prediction: db.prepare(`INSERT INTO predictions (job_id, target, value, flag, model_version, source, time) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      label: db.prepare(`INSERT INTO labels (job_id, judder, dtv_um, ra_um, source, who, time) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      labelsOf: db.prepare(`SELECT * FROM labels WHERE job_id = ? ORDER BY id`),
      labelsAfter: db.prepare(`SELECT * FROM labels WHERE id > ? ORDER BY id LIMIT ?`),
      maxLabel: db.prepare(`SELECT coalesce(max(id), 0) FROM labels`).pluck(),
      exists: db.prepare(`SELECT 1 FROM jobs WHERE id = ?`).pluck(),
      annotate: db.prepare(`UPDATE jobs SET repair_order = coalesce(@repairOrder, repair_order), vehicle = coalesce(@vehicle, vehicle),
                            wheel = coalesce(@wheel, wheel), technician = coalesce(@technician, technician) WHERE id = @id`),
      event: db.prepare(`INSERT INTO events (type, time, source, message, data) VALUES (?, ?, ?, ?, ?)`),
      interrupt: db.prepare(`UPDATE jobs SET status = 'interrupted', reason = ?, ended_at = ? WHERE status = 'running'`),
    };
    this.interruptedOnOpen = opts.owner ? this.markInterrupted(PROCESS_ENDED) : 0;
  }

  /** Marks every job still `running` as interrupted (the process that ran it has ended). */
  markInterrupted(reason: string): number {
    return this.db.transaction(() => {
      const n = this.stmt.interrupt.run(reason, this.now()).changes;
      if (n > 0) this.stmt.event.run("job.interrupted", this.now(), "job-log", `${n} job(s) were running when the process ended`, JSON.stringify({ jobs: n, reason }));
      return n;
    }).immediate();
  }

  /** Logs a job's start as a `running` row (durable before the job goes on). */
  startJob(job: JobStart): void {
    try {
      this.stmt.start.run(job.id, this.session, job.ordinal ?? null, job.boardStartUs ?? null, job.startedAt ?? null, this.now());
    } catch (err) {
      if (isDiskFullError(err)) throw fullError(this.file, `log the start of job ${job.id}`, err);
      throw err;
    }
  }

  /**
   * Commits a job's end in one transaction: the record, its features, its predictions, the labels
   * it carries (`labelSource`, default `label-file`) and the counters. Calling it again for the same
   * job replaces the record, features and predictions (labels are kept: they have a history).
   * Returns the ids of the labels it added (a poller that wrote them need not hand them on again).
   */
  endJob(entry: JobLogEntry, labelSource: LabelSource = "label-file"): number[] {
    try {
      return this.db.transaction(() => this.writeEnd(entry, labelSource)).immediate();
    } catch (err) {
      if (isDiskFullError(err)) throw fullError(this.file, `commit the end of job ${entry.record.id}`, err);
      throw err;
    }
  }

  private writeEnd({ record: r, revolutions, features }: JobLogEntry, labelSource: LabelSource): number[] {
    const added: number[] = [];
    const now = this.now();
    const meta = r.meta;
    this.stmt.end.run({
      id: r.id, session: this.session, ordinal: r.ordinal, boardStartUs: r.boardStartUs, startedAt: r.startedAt, now,
      status: r.status, reason: r.reason,
      revMeasure: r.revolutions.measure, revCut: r.revolutions.cut, revCheck: r.revolutions.check, passes: r.passes,
      rpm: r.measured.rpm, lroPreUm: r.measured.lroPreUm, lroPostUm: r.measured.lroPostUm,
      alarms: JSON.stringify(r.alarms ?? []), frames: JSON.stringify(r.frames ?? {}),
      repairOrder: meta?.repairOrder ?? null, vehicle: meta?.vehicle ?? null, wheel: meta?.wheel ?? null, technician: meta?.technician ?? null,
    });
    this.stmt.clearFeatures.run(r.id);
    if (revolutions && revolutions.length > 0) {
      if (!features) throw new StoreError(StoreErrorCodes.BAD_INPUT, `job ${r.id}: revolutions given without their feature names version`, this.file);
      this.stmt.names.run(features.namesVersion, JSON.stringify(features.names));
      for (const rev of revolutions) this.stmt.feature.run(r.id, rev.index, rev.phase, rev.boardUs, features.namesVersion, encodeVector(rev.values));
    }
    this.stmt.clearPredictions.run(r.id);
    const j = r.judder;
    if (j.p !== null) this.stmt.prediction.run(r.id, "judder", j.p, j.flag === null ? null : j.flag ? 1 : 0, j.modelVersion, j.source, now);
    const cq = r.cutQuality;
    if (cq.lroPostUm !== null) this.stmt.prediction.run(r.id, "lroPostUm", cq.lroPostUm, null, cq.modelVersion, cq.source, now);
    if (cq.raUm !== null) this.stmt.prediction.run(r.id, "raUm", cq.raUm, null, cq.modelVersion, cq.source, now);
    if (r.labels && (r.labels.judder !== null || r.labels.dtvUm !== null || r.labels.raUm !== null)) {
      const known = this.labelHistory(r.id);
      const same = known.some((l) => l.judder === r.labels!.judder && l.dtvUm === r.labels!.dtvUm && l.raUm === r.labels!.raUm);
      if (!same) added.push(this.insertLabel({ jobId: r.id, ...r.labels, source: labelSource, time: now }));
    }
    bumpCounter(this.db, TIP_CUTS, r.passes);
    addDaily(this.db, now, { jobs: 1, [r.status]: 1, cuts: r.passes });
    return added;
  }

  /**
   * Adds a prediction made outside a job's end (a re-scoring by a new model version, say); the job's
   * record shows the latest per target.
   */
  addPrediction(p: { jobId: string; target: "judder" | "lroPostUm" | "raUm"; value: number; flag?: boolean | null; modelVersion: string | null; source: "model" | "prior" | "rule"; time?: number }): void {
    if (!this.stmt.exists.get(p.jobId)) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no job '${p.jobId}' in ${this.file}`, this.file);
    const flag = p.flag == null ? null : p.flag ? 1 : 0;
    this.stmt.prediction.run(p.jobId, p.target, p.value, flag, p.modelVersion, p.source, p.time ?? this.now());
  }

  /** Adds a label (at least one value) with who/what gave it; returns its id (the poll mark). */
  addLabel(label: NewLabel): number {
    if ((label.judder ?? null) === null && (label.dtvUm ?? null) === null && (label.raUm ?? null) === null) {
      throw new StoreError(StoreErrorCodes.BAD_INPUT, `a label for job ${label.jobId} needs at least one of judder, dtvUm, raUm`, this.file);
    }
    if (!LABEL_SOURCES.includes(label.source)) {
      throw new StoreError(StoreErrorCodes.BAD_INPUT, `label source '${label.source}' is not one of ${LABEL_SOURCES.join(", ")}`, this.file);
    }
    for (const [k, v] of [["dtvUm", label.dtvUm], ["raUm", label.raUm]] as const) {
      if (v != null && !(Number.isFinite(v) && v >= 0)) throw new StoreError(StoreErrorCodes.BAD_INPUT, `label ${k} must be a finite number ≥ 0 µm, got ${v}`, this.file);
    }
    if (!this.stmt.exists.get(label.jobId)) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no job '${label.jobId}' in ${this.file}`, this.file);
    return this.insertLabel({ ...label, time: label.time ?? this.now() });
  }

  private insertLabel(l: NewLabel & { time: number }): number {
    const judder = l.judder == null ? null : l.judder ? 1 : 0;
    return Number(this.stmt.label.run(l.jobId, judder, l.dtvUm ?? null, l.raUm ?? null, l.source, l.who ?? null, l.time).lastInsertRowid);
  }

  /** Every label given to a job, oldest first. */
  labelHistory(jobId: string): Label[] {
    return (this.stmt.labelsOf.all(jobId) as LabelRow[]).map(labelFromRow);
  }

  /** Labels with an id above `afterId`, oldest first (what a running controller has not seen yet). */
  labelsAfter(afterId: number, limit = 100): Label[] {
    return (this.stmt.labelsAfter.all(afterId, limit) as LabelRow[]).map(labelFromRow);
  }

  /** The highest label id so far (0 when none): a poller starts from here. */
  lastLabelId(): number {
    return this.stmt.maxLabel.get() as number;
  }

  /** The shop's paperwork on a job; fields left undefined/null keep their value. */
  annotate(jobId: string, meta: JobMeta): void {
    if (meta.wheel != null && !WHEELS.includes(meta.wheel as never)) {
      throw new StoreError(StoreErrorCodes.BAD_INPUT, `wheel must be one of ${WHEELS.join(", ")}, got '${meta.wheel}'`, this.file);
    }
    const r = this.stmt.annotate.run({ id: jobId, repairOrder: meta.repairOrder ?? null, vehicle: meta.vehicle ?? null, wheel: meta.wheel ?? null, technician: meta.technician ?? null });
    if (r.changes === 0) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no job '${jobId}' in ${this.file}`, this.file);
  }

  /** Records a board fault, plugin restart, rollback, ... `{type, time, source, message, data}`. */
  addEvent(e: LogEvent): number {
    return Number(this.stmt.event.run(e.type, e.time, e.source, e.message, JSON.stringify(e.data ?? {})).lastInsertRowid);
  }

  events(opts: { type?: string; limit?: number } = {}): LogEvent[] {
    const rows = this.db
      .prepare(`SELECT type, time, source, message, data FROM events ${opts.type ? "WHERE type = ?" : ""} ORDER BY id DESC LIMIT ?`)
      .all(...(opts.type ? [opts.type] : []), opts.limit ?? 100) as Array<LogEvent & { data: string }>;
    return rows.reverse().map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** Names of feature vector layout `version`, or null when unknown. */
  featureNames(version: number): string[] | null {
    const t = this.stmt.namesOf.get(version) as string | undefined;
    return t === undefined ? null : (JSON.parse(t) as string[]);
  }

  /** Tip wear: cut passes since the tips were last changed (and when that was). */
  tipWear(): CounterValue {
    return readCounter(this.db, TIP_CUTS);
  }

  /** The tips were changed now: tip wear starts again from zero. */
  tipsChanged(): void {
    resetCounter(this.db, TIP_CUTS, this.now());
  }

  /** Totals of a local day (default today): jobs, complete, interrupted, cuts. */
  dailyTotals(day = localDay(this.now())): Record<string, number> {
    return dailyTotals(this.db, day);
  }

  /** `PRAGMA integrity_check`: ["ok"] when sound. */
  integrityCheck(): string[] {
    return (this.db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  }

  close(): void {
    if (!this.db.open) return;
    try {
      // The owner folds the WAL into the file when it stops; a command leaves that to SQLite (the last
      // connection to close checkpoints), so it never waits on a controller's write.
      if (this.session !== null) this.db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      /* a reader still holds the WAL: the next open checkpoints */
    }
    this.db.close();
    this.releaseLock?.();
    this.releaseLock = null;
  }
}

export type { JobRecord };
