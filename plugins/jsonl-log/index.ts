// jsonl-log: every job record as one JSON line, appended to a file (default <dataDir>/jobs.jsonl)
// and/or written to stdout (`edgeprop replay --json`).
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";

export const configSchema = z.object({
  /** File to append to (relative to the working folder); default <dataDir>/jobs.jsonl; "" for none. */
  file: z.string().optional(),
  /** Also write each line to stdout. */
  stdout: z.boolean().default(false),
});

export default definePlugin(
  {
    name: "jsonl-log",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [jobRecordChannel],
    description: "job records as JSON lines (file and/or stdout)",
  },
  (ctx, config) => {
    const file = config.file === "" ? null : config.file !== undefined ? resolve(config.file) : join(ctx.dataDir, "jobs.jsonl");
    if (file) mkdirSync(dirname(file), { recursive: true });
    const lines = ctx.metrics.counter("lines", "records written");
    const r = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = r.shift(); e !== undefined; e = r.shift()) {
        const line = JSON.stringify(e.record) + "\n";
        if (file) appendFileSync(file, line);
        if (config.stdout) process.stdout.write(line);
        lines.inc();
      }
    });
    return {
      start() {
        if (file) ctx.log.info({ file }, "job records → JSON lines");
      },
    };
  },
);
