// `edgeprop replay --vib FILE --run FILE [--labels FILE] [--json] [--config FILE]`: the controller's
// pipeline (config/replay.yaml unless --config) from a pair of captures, as fast as the CPU allows.
// Each job's label (by ordinal, boardStartUs cross-checked) is attached right after the job. With
// --json, one job record per line on stdout (and nothing else there). With --db FILE the records
// also go into that job log (the job-log plugin, added before the source), as a live run's would.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { InstallationConfig } from "../runtime/index.ts";
import { loadInstallation, patchPlugin, shippedConfig, startHost } from "./pipeline.ts";

const JOB_LOG_MODULE = fileURLToPath(new URL("../../plugins/job-log/index.ts", import.meta.url));

/** Writes the replay's jobs into the log at `db`: the config's job-log plugin, else one added before the source. */
export function withJobLog(config: InstallationConfig, db: string): void {
  const file = resolve(db);
  if (config.plugins["job-log"]) {
    config.plugins["job-log"].enabled = true;
    patchPlugin(config, "job-log", { db: file });
    return;
  }
  const { ["replay-source"]: source, ...rest } = config.plugins;
  config.plugins = { ...rest, "job-log": { module: JOB_LOG_MODULE, enabled: true, config: { db: file } }, ...(source ? { "replay-source": source } : {}) };
}

const USAGE = `usage: edgeprop replay --vib FILE --run FILE [--labels FILE] [--json] [--db FILE] [--config FILE]

  --vib FILE     capture of the VIB board (vib.bin)
  --run FILE     capture of the RUN board (run.bin)
  --dir DIR      the same as --vib DIR/vib.bin --run DIR/run.bin
  --labels FILE  label file (JSON Lines: job, boardStartUs, judder, dtvUm, raUm)
  --json         print each job record as one JSON line on stdout (no progress display)
  --out FILE     also append the records to FILE (JSON lines)
  --db FILE      also write the jobs (records, features, predictions, labels) into this job log
  --config FILE  installation config (default: edgeprop's config/replay.yaml)
`;

export async function runReplay(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        vib: { type: "string" }, run: { type: "string" }, dir: { type: "string" }, labels: { type: "string" },
        json: { type: "boolean", default: false }, out: { type: "string" }, config: { type: "string" }, db: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`edgeprop replay: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const vib = args.vib ?? (args.dir ? `${args.dir}/vib.bin` : undefined);
  const run = args.run ?? (args.dir ? `${args.dir}/run.bin` : undefined);
  if (!vib || !run) {
    process.stderr.write(`edgeprop replay: give --vib FILE and --run FILE (or --dir DIR)\n\n${USAGE}`);
    return 2;
  }
  for (const [what, f] of [["--vib", vib], ["--run", run], ["--labels", args.labels]] as const) {
    if (f !== undefined && !existsSync(f)) {
      process.stderr.write(`edgeprop replay: ${what} ${f}: no such file\n`);
      return 2;
    }
  }
  const config = await loadInstallation(args.config ?? shippedConfig("replay.yaml"), process.stderr);
  if (!config) return 1;
  try {
    patchPlugin(config, "replay-source", { vib, run });
    if (args.labels) patchPlugin(config, "job-records", { labels: args.labels });
    if (config.plugins["jsonl-log"]) patchPlugin(config, "jsonl-log", { stdout: args.json, file: args.out ?? "" });
    if (config.plugins.console) config.plugins.console.enabled = !args.json;
    if (args.db) withJobLog(config, args.db);
  } catch (e) {
    process.stderr.write(`edgeprop replay: ${(e as Error).message}\n`);
    return 1;
  }
  const t0 = performance.now();
  const started = await startHost(config, process.stderr);
  if (!started) return 1;
  const { host, flush } = started;
  // The source sets its gauge `done` (1: played, -1: failed); then let the pipeline drain.
  let done = 0;
  while ((done = host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
  await host.idle();
  const records = host.metrics.value("job-records.records") ?? 0;
  const logged = host.metrics.value("job-log.jobs");
  const refused = host.metrics.value("job-records.labelsRefused") ?? 0;
  const failed = host.plugins().filter((p) => p.failures > 0);
  await host.stop();
  flush();
  const secs = (performance.now() - t0) / 1000;
  process.stderr.write(`replay: ${records} jobs in ${secs.toFixed(2)} s${refused ? `; ${refused} label(s) REFUSED (boardStartUs mismatch)` : ""}${args.db ? `; ${logged ?? 0} written to the job log ${resolve(args.db)}` : ""}\n`);
  if (done < 0 || failed.length > 0) {
    process.stderr.write(`replay: failed (${failed.map((p) => p.name).join(", ") || "source"}); see the messages above\n`);
    return 1;
  }
  return 0;
}
