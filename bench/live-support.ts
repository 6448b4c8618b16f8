// What the controller benchmarks share (bench/replay.ts, bench/soak): a collector plugin that counts
// job records, hands on each revolution's latency and the boards' LOST / BACK events, and the live
// controller's config (config/sim.yaml cut down to the pipeline, boards on given ports).
import { definePlugin, loadConfigFile, z, type InstallationConfig } from "../src/runtime/index.ts";
import { Board, BoardEvent, boardEvents, featureRevs } from "../src/controller/channels.ts";
import { jobRecordChannel } from "../src/store/job-record.ts";
import { shippedConfig } from "../src/cli/pipeline.ts";

/** The pipeline plugins of sim.yaml a live benchmark runs (console and jsonl-log are then switched off by withCollector). */
export const LIVE_PIPELINE = ["job-tracker", "features", "judder", "cut-quality", "job-records", "console", "jsonl-log", "boards"];

/** The learners without the job log (no labels from it, no model registry), as in the live tests. */
export function learnersWithoutJobLog(config: InstallationConfig): void {
  for (const name of ["judder", "cut-quality"]) {
    const entry = config.plugins[name];
    if (!entry) continue;
    entry.module = entry.module.replace(/with-job-log\.ts$/, "index.ts");
    const { db: _db, ...rest } = (entry.config ?? {}) as Record<string, unknown>;
    entry.config = rest;
  }
}

/**
 * The "bench-collector" plugin: counts jobs.records, calls onLatency(ms) for each revolution's
 * latency (last sample's arrival → features) and onBoardEvent for each LOST / BACK of a board.
 */
export function collector(onLatency?: (ms: number) => void, onBoardEvent?: (kind: "lost" | "back", board: "vib" | "run") => void) {
  let records = 0;
  const plugin = definePlugin(
    {
      name: "bench-collector",
      version: "1.0.0",
      host: "*",
      config: z.object({}),
      reads: onBoardEvent ? [jobRecordChannel, featureRevs, boardEvents] : [jobRecordChannel, featureRevs],
    },
    (ctx) => {
      const r = ctx.channels.reader(jobRecordChannel, () => {
        while (r.shift() !== undefined) records++;
      });
      const f = ctx.channels.reader(featureRevs, () => {
        for (let i = f.next(); i >= 0; i = f.next()) if (kind[i] === 2 && onLatency && lat[i] === lat[i]) onLatency(lat[i]);
      });
      const kind = f.column("kind");
      const lat = f.column("latencyMs");
      if (onBoardEvent) {
        const e = ctx.channels.reader(boardEvents, () => {
          for (let i = e.next(); i >= 0; i = e.next()) {
            const k = ek[i] === BoardEvent.LOST ? "lost" : ek[i] === BoardEvent.BACK ? "back" : null;
            if (k) onBoardEvent(k, eb[i] === Board.VIB ? "vib" : "run");
          }
        });
        const ek = e.column("kind");
        const eb = e.column("board");
      }
      return {};
    },
  );
  return { plugin, records: () => records };
}

/** Adds the collector (module "bench:collector") before the source, switches console and jsonl-log off. */
export function withCollector(config: InstallationConfig, sourceName: string): void {
  const { [sourceName]: source, ...rest } = config.plugins;
  if (rest.console) rest.console.enabled = false;
  if (rest["jsonl-log"]) rest["jsonl-log"].enabled = false;
  config.plugins = { ...rest, "bench-collector": { module: "bench:collector", enabled: true }, [sourceName]: source };
}

/**
 * config/sim.yaml (the config of `run --sim`), no log file, errors only, boards pinned to the given
 * ports, with only the `keep` plugins or without the `drop` ones.
 */
export async function liveConfig(
  paths: { vib: string; run: string },
  opts: { keep?: readonly string[]; drop?: readonly string[]; statusMs?: number; reader?: string } = { keep: LIVE_PIPELINE },
): Promise<InstallationConfig> {
  const live = await loadConfigFile(shippedConfig("sim.yaml"));
  live.host.logFile = undefined;
  live.host.logLevel = "error";
  for (const name of Object.keys(live.plugins)) {
    if ((opts.keep && !opts.keep.includes(name)) || opts.drop?.includes(name)) delete live.plugins[name];
  }
  if (!live.plugins["job-log"]) learnersWithoutJobLog(live);
  live.plugins.boards.config = { vib: paths.vib, run: paths.run, statusMs: opts.statusMs ?? 0, ...(opts.reader ? { reader: opts.reader } : {}) };
  return live;
}
