// The dashboard's reads and writes of the job log: filtered history, one job with its per-revolution
// runout, labels (the same call as `edgeprop label`, source "dashboard") and the model registry.
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { defaultDbPath, getJob, JobLog, jobFeatures, listJobs, type JobMeta, type ModelEvent, type ModelInfo, type StoredJob } from "../../src/store/index.ts";

export interface JobFilter {
  status?: "running" | "complete" | "interrupted";
  /** Judder flag of the estimate: yes / no. */
  judder?: boolean;
  /** Has any label (true) / none (false). */
  labelled?: boolean;
  /** Text found in the id, repair order, vehicle or technician. */
  q?: string;
  /** Newest first, at most this many (default 100, at most 1000). */
  limit?: number;
}

export interface JobRevolution {
  index: number;
  phase: string;
  lroUm: number | null;
  rpm: number | null;
}

export interface LogAccess {
  readonly file: string;
  jobs(filter: JobFilter): StoredJob[];
  job(id: string): StoredJob | null;
  revolutions(id: string): JobRevolution[];
  label(id: string, l: { judder: boolean | null; dtvUm: number | null; raUm: number | null; who: string | null }): number;
  /** The shop's paperwork (repair order, vehicle, wheel, technician); empty fields keep their value. */
  annotate(id: string, meta: JobMeta): void;
  models(): { models: ModelInfo[]; history: ModelEvent[] };
  promote(version: string): ModelInfo;
  rollback(kind: string): ModelInfo;
  close(): void;
}

/** Scanned for a filtered list: the newest jobs, this many at most. */
const SCAN = 5000;

/** The job log cannot be used (none there yet, or it failed to open): the pages answer 503. */
export class LogUnavailable extends Error {
  readonly statusCode = 503;
}

/**
 * The job log at `db` (default: the job-log plugin's default), opened on first use and kept open,
 * so a controller whose log is missing or broken still shows its live page. A file that does not
 * exist is never created here: that is the job-log plugin's business.
 */
export function openJobLog(db: string | undefined): LogAccess {
  const file = db ? (isAbsolute(db) ? db : resolve(db)) : defaultDbPath();
  let opened: JobLog | null = null;
  const get = (): JobLog => {
    if (opened) return opened;
    if (!existsSync(file)) throw new LogUnavailable(`no job log at ${file} yet (the job-log plugin writes it)`);
    try {
      opened = JobLog.open(file);
    } catch (err) {
      throw new LogUnavailable(`job log ${file} cannot be opened: ${(err as Error).message}`);
    }
    return opened;
  };
  return {
    file,
    jobs(filter) {
      const log = get();
      const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
      const q = filter.q?.trim().toLowerCase() ?? "";
      const out: StoredJob[] = [];
      for (const j of listJobs(log.db, { limit: SCAN })) {
        if (filter.status && j.status !== filter.status) continue;
        if (filter.judder !== undefined && j.judder.flag !== filter.judder) continue;
        if (filter.labelled !== undefined && (j.labels !== null) !== filter.labelled) continue;
        if (q) {
          const text = [j.id, j.meta?.repairOrder, j.meta?.vehicle, j.meta?.technician].filter(Boolean).join(" ").toLowerCase();
          if (!text.includes(q)) continue;
        }
        out.push(j);
        if (out.length >= limit) break;
      }
      return out;
    },
    job: (id) => getJob(get().db, id),
    revolutions(id) {
      const log = get();
      const revs = jobFeatures(log.db, id);
      const names = new Map<number, string[] | null>();
      return revs.map((r) => {
        if (!names.has(r.namesVersion)) names.set(r.namesVersion, log.featureNames(r.namesVersion));
        const n = names.get(r.namesVersion);
        const at = (name: string): number | null => {
          const k = n ? n.indexOf(name) : -1;
          const v = k >= 0 ? r.values[k] : Number.NaN;
          return Number.isFinite(v) ? v : null;
        };
        return { index: r.index, phase: r.phase, lroUm: at("lroUm"), rpm: at("rpm") };
      });
    },
    label: (id, l) => get().addLabel({ jobId: id, judder: l.judder, dtvUm: l.dtvUm, raUm: l.raUm, source: "dashboard", who: l.who }),
    annotate: (id, meta) => get().annotate(id, meta),
    models: () => ({ models: get().models.list(), history: get().models.history() }),
    promote: (version) => get().models.promote(version, "by the dashboard"),
    rollback: (kind) => get().models.rollback(kind, "by the dashboard"),
    close: () => {
      opened?.close();
      opened = null;
    },
  };
}
