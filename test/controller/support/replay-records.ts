// Runs the controller's replay pipeline (config/replay.yaml, or any loaded replay config) in this
// process on a pair of captures and collects the job records a collector plugin reads from
// jobs.records, plus the host's metrics.
import { definePlugin, Host, loadConfigFile, z, type InstallationConfig, type MetricSnapshot } from "../../../src/runtime/index.ts";
import { jobRecordChannel, type JobLogEntry, type JobRecord } from "../../../src/store/job-record.ts";
import { shippedConfig } from "../../../src/cli/pipeline.ts";
import { withoutPriors } from "../../support/without-priors.ts";

export interface ReplayResult {
  records: JobRecord[];
  entries: JobLogEntry[];
  metrics: MetricSnapshot[];
  host: Host;
}

export async function replayRecords(opts: { dir: string; labels?: string; readBytes?: number }): Promise<ReplayResult> {
  const config = withoutPriors(await loadConfigFile(shippedConfig("replay.yaml")));
  const src = config.plugins["replay-source"];
  src.config = { vib: `${opts.dir}/vib.bin`, run: `${opts.dir}/run.bin`, ...(opts.readBytes ? { readBytes: opts.readBytes } : {}) };
  if (opts.labels) config.plugins["job-records"].config = { labels: opts.labels };
  return runReplay(config);
}

/**
 * Runs a replay config (its replay-source already pointed at captures) with console and jsonl-log
 * off and a collector plugin before replay-source, until the source is done and the host idle;
 * then stops the host. Records and log entries in the order the collector read them.
 */
export async function runReplay(config: InstallationConfig): Promise<ReplayResult> {
  const records: JobRecord[] = [];
  const entries: JobLogEntry[] = [];
  const collector = definePlugin(
    { name: "collector", version: "1.0.0", host: "*", config: z.object({}), reads: [jobRecordChannel] },
    (ctx) => {
      const r = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = r.shift(); e !== undefined; e = r.shift()) {
          records.push(e.record);
          entries.push(e);
        }
      });
      return {};
    },
  );
  config.plugins.console.enabled = false;
  config.plugins["jsonl-log"].enabled = false;
  const { ["replay-source"]: source, ...rest } = config.plugins;
  config.plugins = { ...rest, collector: { module: "test:collector", enabled: true }, "replay-source": source };
  const host = await Host.load(config, { preloaded: { "test:collector": collector } });
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
  await host.idle();
  await host.stop();
  return { records, entries, metrics: host.metrics.snapshot(), host };
}
