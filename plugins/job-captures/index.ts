// job-captures: raw captures per job (the bytes of both boards) in the job log, under a disk quota
// (src/store CaptureStore: oldest unpinned captures go first). Reads `boards.raw`, which a source
// publishes only with its `raw: true` (boards, replay-source); off unless this plugin is enabled.
//
// - Every chunk also goes into a pre-roll per board (the last `prerollKb`): a job is only known to
//   have started once its first LATHE (measure) frame was decoded, so a job's capture begins with the
//   pre-roll (the idle before it and that frame) and replays (`edgeprop replay --dir <capture>`) to
//   the same job. The pre-roll is emptied at each job's end, so it never holds the tail of the job
//   before (which a replay would take for a job of its own).
// - `job.start` / `job.end` (ctx.jobs): the reader is drained first (chunks already published belong
//   before the event), then the job's capture begins / is finished. Files: <dir>/<job id>/vib.bin,
//   run.bin, recorded in the log's `captures` table against the job.
// - A full disk (ENOSPC) is reported (event in the log, a console line on stderr) and raw capture
//   stops; the job log (plugin job-log, its own connection) is untouched and goes on.
// A separate plugin rather than an option of job-log: a plugin's reads are fixed in its meta, and a
// job log without any source (the CLI tests, a panel-only host) must not need a `boards.raw` writer.
import { dirname, isAbsolute, join, resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { CaptureStore, JobLog, defaultDbPath, type CaptureFs } from "../../src/store/index.ts";
import { rawChannel, type RawChunk } from "../boards/raw-channel.ts";
import { Preroll } from "./preroll.ts";

export const configSchema = z.object({
  /** The job log (as plugin job-log's `db`; relative: to the working folder). Default: the default log. */
  db: z.string().min(1).optional(),
  /** Folder of the captures. Default: `captures` beside the log file. */
  dir: z.string().min(1).optional(),
  /** Total size all captures may take, MiB. Default 512. */
  quotaMb: z.number().positive().default(512),
  /** Bytes kept per board from before a job's start and written at its head, KiB. Default 256. */
  prerollKb: z.number().int().min(1).max(65536).default(256),
});

export type JobCapturesConfig = z.output<typeof configSchema>;

/** Dependencies a test may replace (a file system that fills up). */
export interface JobCapturesDeps {
  fs?: CaptureFs;
}

export function createJobCapturesPlugin(deps: JobCapturesDeps = {}) {
  return definePlugin(
    {
      name: "job-captures",
      version: "0.1.0",
      host: "^0.1.0",
      config: configSchema,
      reads: [rawChannel],
      description: "raw captures of both boards per job, under a disk quota, recorded in the job log",
    },
    (ctx, config) => {
      const file = config.db ? (isAbsolute(config.db) ? config.db : resolve(config.db)) : defaultDbPath();
      const dir = config.dir ? resolve(config.dir) : join(dirname(file), "captures");
      let log: JobLog | null = null;
      let store: CaptureStore | null = null;
      let job: string | null = null;
      const preroll = { vib: new Preroll(config.prerollKb * 1024), run: new Preroll(config.prerollKb * 1024) };
      const m = {
        bytes: ctx.metrics.counter("bytes", "raw bytes written into job captures"),
        jobs: ctx.metrics.counter("jobs", "job captures begun"),
        dropped: ctx.metrics.gauge("dropped", "raw chunks lost because this plugin lagged (channel drop-oldest)"),
        evicted: ctx.metrics.counter("evicted", "capture files deleted to stay under the quota"),
        diskFull: ctx.metrics.gauge("diskFull", "1 once a full disk stopped raw capture"),
      };

      const take = (c: RawChunk): void => {
        preroll[c.board].add(c.bytes);
        if (job !== null && store !== null && store.append(c.board, c.bytes)) m.bytes.inc(c.bytes.byteLength);
      };
      const reader = ctx.channels.reader(rawChannel, () => drain());
      const drain = (): void => {
        for (let c = reader.shift(); c !== undefined; c = reader.shift()) take(c);
        m.dropped.set(reader.dropped);
      };

      ctx.jobs.on((event) => {
        if (!store || (event.type !== "job.start" && event.type !== "job.end")) return;
        drain();
        if (event.type === "job.end") {
          preroll.vib.clear();
          preroll.run.clear();
          if (job !== null && job === String(event.data.job)) {
            store.finish();
            job = null;
          }
          return;
        }
        job = String(event.data.job);
        store.begin(job);
        m.jobs.inc();
        for (const board of ["vib", "run"] as const) {
          for (const bytes of preroll[board].chunks()) if (store.append(board, bytes)) m.bytes.inc(bytes.byteLength);
        }
      });

      return {
        start() {
          log = JobLog.open(file);
          store = new CaptureStore(log.db, {
            dir,
            quotaBytes: Math.floor(config.quotaMb * 1024 * 1024),
            fs: deps.fs,
            onEvent: (type, message, data) => {
              if (type === "capture.disk-full") {
                m.diskFull.set(1);
                process.stderr.write(`${new Date().toISOString()} !! job-captures: ${message}\n`);
                ctx.log.error({ event: type, ...data }, message);
              } else if (type === "capture.evicted") {
                m.evicted.inc();
                ctx.log.info({ event: type, ...data }, message);
              } else ctx.log.warn({ event: type, ...data }, message);
            },
          });
          ctx.log.info({ dir, quotaMb: config.quotaMb }, "job captures on");
        },
        stop() {
          drain();
          store?.finish();
          store = null;
          job = null;
          log?.close();
          log = null;
        },
      };
    },
  );
}

export default createJobCapturesPlugin();
