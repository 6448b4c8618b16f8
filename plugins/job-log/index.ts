// The job-log plugin: writes the controller's jobs into the SQLite job log (src/store) and hands
// labels added from outside (the `label` command, the panel) to the learner.
//
// - `job.start` events (data: ordinal, boardStartUs, startedAt) → a `running` row, durable at once;
// - ended jobs from the `jobs.records` channel (a JobLogEntry: record, features per revolution)
//   → one transaction each;
// - every `labelPollMs` (≤ 250 ms) it reads labels above its high-water mark (an indexed rowid
//   range) and pushes them to `jobs.labels`, so a label given by another process reaches a
//   running learner well within a second;
// - on stop it closes the log (checkpointing the WAL) and releases the controller's lock.
// A full disk (SQLITE_FULL) is logged, evented and counted, the record dropped, and logging goes on.
import { isAbsolute, resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { JobLog, defaultDbPath, isStoreError, StoreErrorCodes, type JobLogEntry } from "../../src/store/index.ts";
import { jobRecordChannel, labelChannel } from "./channels.ts";

export const configSchema = z.object({
  /**
   * The log file. Default: `$EDGEPROP_DATA_DIR`, /var/lib/edgeprop or ~/.local/share/edgeprop, +
   * job-log.sqlite. Relative: `run` / `replay` resolve it against the config file's folder
   * (src/cli/pipeline.ts); a host loaded otherwise hands it over as is (the working folder).
   */
  db: z.string().min(1).optional(),
  /** A damaged log is moved aside (`<db>.corrupt-<time>`) and a new one started, instead of failing. */
  freshLog: z.boolean().default(false),
  /**
   * Run SQLite's quick_check when the controller starts. It reads every page (seconds for a large
   * log on a Pi's SD card, which could pass the host's start timeout), so it is off by default; a
   * file that is not a database is found on every open anyway.
   */
  verify: z.boolean().default(false),
  /** How often to look for labels added by other processes, ms. */
  labelPollMs: z.number().int().min(10).max(250).default(200),
});

export type JobLogConfig = z.output<typeof configSchema>;

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export default definePlugin(
  {
    name: "job-log",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [jobRecordChannel],
    writes: [labelChannel],
    description: "stores jobs, features, predictions and labels in the SQLite job log",
  },
  (ctx, config) => {
    const file = config.db ? (isAbsolute(config.db) ? config.db : resolve(config.db)) : defaultDbPath();
    let log: JobLog | null = null;
    const labelsOut = ctx.channels.writer(labelChannel);
    const own = new Set<number>();
    let mark = 0;
    const m = {
      jobs: ctx.metrics.counter("jobs", "ended jobs committed to the log"),
      started: ctx.metrics.counter("started", "job starts logged"),
      labels: ctx.metrics.counter("labels", "labels from other processes handed to jobs.labels"),
      failed: ctx.metrics.counter("writeFailures", "job records that could not be written (disk full)"),
    };

    const guardWrite = (what: string, job: string, write: () => void): void => {
      try {
        write();
      } catch (err) {
        if (!isStoreError(err) || err.code !== StoreErrorCodes.FULL) throw err;
        m.failed.inc();
        ctx.log.error({ job, code: err.code }, `${what}: ${err.message}`);
      }
    };

    const write = (entry: JobLogEntry): void => {
      guardWrite("job end", entry.record.id, () => {
        for (const id of log!.endJob(entry)) own.add(id);
        m.jobs.inc();
      });
    };

    ctx.channels.reader(jobRecordChannel, (reader) => {
      for (let e = reader.shift(); e !== undefined; e = reader.shift()) if (log) write(e);
    });

    ctx.jobs.on((event) => {
      if (event.type !== "job.start" || !log) return;
      const d = event.data;
      const id = String(d.job);
      guardWrite("job start", id, () => {
        log!.startJob({ id, ordinal: num(d.ordinal), boardStartUs: num(d.boardStartUs) ?? num(d.boardUs), startedAt: str(d.startedAt) });
        m.started.inc();
      });
    });

    const poll = (): void => {
      if (!log) return;
      for (;;) {
        const batch = log.labelsAfter(mark, 100);
        for (const l of batch) {
          mark = l.id;
          if (own.delete(l.id)) continue;
          labelsOut.push(l);
          m.labels.inc();
        }
        if (batch.length < 100) return;
      }
    };

    return {
      start() {
        log = JobLog.open(file, { owner: true, freshLog: config.freshLog, verify: config.verify });
        if (log.movedAside) ctx.log.error({ movedAside: log.movedAside }, `job log ${file} was damaged: kept as ${log.movedAside}, started a new log`);
        if (log.interruptedOnOpen > 0) ctx.log.warn({ jobs: log.interruptedOnOpen }, `${log.interruptedOnOpen} job(s) were running when the process ended: marked interrupted`);
        mark = log.lastLabelId();
        ctx.timers.setInterval(poll, config.labelPollMs);
        ctx.log.info({ db: file, session: log.session }, "job log open");
      },
      stop() {
        poll();
        log?.close();
        log = null;
      },
    };
  },
);

export { jobRecordChannel, labelChannel };
