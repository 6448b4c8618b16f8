// The replay pipeline (config/replay.yaml) for the job-captures tests: on a capture folder, with
// job-log and job-captures added (the source publishing boards.raw) or plain, collecting records.
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { createJobCapturesPlugin } from "../../../plugins/job-captures/index.ts";
import { shippedConfig } from "../../../src/cli/pipeline.ts";
import { Host, loadConfigFile, type PluginDefinition } from "../../../src/runtime/index.ts";
import type { JobRecord } from "../../../src/store/index.ts";
import { recordCollector } from "../../support/record-collector.ts";
import { withoutPriors } from "../../support/without-priors.ts";

export interface Run {
  records: JobRecord[];
  metric: (name: string) => number | undefined;
}

/** The replay pipeline on `capture` (vib.bin, run.bin); with `db`, job-log and job-captures added. */
export async function replay(capture: string, db?: { file: string; captures: Record<string, unknown>; plugin?: PluginDefinition }): Promise<Run> {
  const { plugin: collector, records } = recordCollector();
  const config = withoutPriors(await loadConfigFile(shippedConfig("replay.yaml")));
  config.host.dataDir = join(capture, "data");
  config.host.logFile = undefined;
  config.host.logLevel = "silent";
  config.plugins["replay-source"].config = { vib: join(capture, "vib.bin"), run: join(capture, "run.bin"), raw: db !== undefined };
  config.plugins.console.enabled = false;
  config.plugins["jsonl-log"].enabled = false;
  const { ["replay-source"]: source, ...rest } = config.plugins;
  config.plugins = {
    ...rest,
    ...(db
      ? {
          "job-log": { module: resolve("plugins/job-log/index.ts"), enabled: true, config: { db: db.file } },
          "job-captures": { module: "test:captures", enabled: true, config: { db: db.file, ...db.captures } },
        }
      : {}),
    collector: { module: "test:collector", enabled: true },
    "replay-source": source,
  };
  const host = await Host.load(config, { preloaded: { "test:collector": collector, "test:captures": db?.plugin ?? createJobCapturesPlugin() } });
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
  await host.idle();
  await host.stop();
  return { records, metric: (name) => host.metrics.value(name) };
}

/**
 * What a job's replay must reproduce: everything but its identity (id, ordinal, wall-clock start).
 * Numbers to 6 significant digits: the VIB filters start from the pre-roll instead of the whole
 * session, which moves an estimate such as judder.p in its eighth digit.
 */
export function essence(r: JobRecord): unknown {
  const { id, ordinal, startedAt, ...rest } = r as unknown as Record<string, unknown>;
  void id, ordinal, startedAt;
  return near(rest);
}

function near(v: unknown): unknown {
  if (typeof v === "number" && Number.isFinite(v) && v !== 0 && !Number.isInteger(v)) return expect.closeTo(v, 6 - Math.floor(Math.log10(Math.abs(v))));
  if (Array.isArray(v)) return v.map(near);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, near(x)]));
  return v;
}

