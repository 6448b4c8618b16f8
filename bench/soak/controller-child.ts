// The soak's controller process: the live pipeline of `run --sim` (config/sim.yaml: boards on the
// simulator's ptys, job tracker, features, the judder and cut-quality plugins it configures, job
// records, the SQLite job log in the soak's folder; console, jsonl-log, panel and dashboard off), so its
// memory, CPU and event-loop delay are the controller's. Spawned by bench/soak.ts with IPC:
//
//   argv[2] = JSON { links: {vib, run}, dir, statusMs }
//   → { type: "started" }
//   ← { type: "sample" }   → { type: "sample", ...Usage }   usage since the previous sample
//   → { type: "board", kind: "lost" | "back", board, wallMs }   each LOST / BACK of a board
//   ← { type: "stop" }     → { type: "stopped", metrics, channels }, then exits
// The boards plugin's status line (statusMs; drop counts by reason) goes to stdout.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { Host } from "../../src/runtime/index.ts";
import { collector, liveConfig, withCollector } from "../live-support.ts";

export interface Usage {
  wallMs: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  cpuUserS: number;
  cpuSystemS: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  revolutions: number;
  records: number;
  /** The features plugin's counters so far: revolutions measured, of those dropped (ok = 0), samples lost behind a channel. */
  featureRevs: number;
  featureDropped: number;
  featureLostSamples: number;
}

const send = (m: unknown): void => {
  process.send?.(m);
};
const wallMs = (): number => performance.timeOrigin + performance.now();
const opts = JSON.parse(process.argv[2]) as { links: { vib: string; run: string }; dir: string; statusMs: number };

// run --sim's config without its operator interfaces (virtual panel, dashboard on port 8080); console
// and jsonl-log are switched off by withCollector. Every plugin with a job log uses the soak's.
const config = await liveConfig(opts.links, { drop: ["panel", "dashboard"], statusMs: opts.statusMs });
config.host.dataDir = join(opts.dir, "data");
for (const entry of Object.values(config.plugins)) {
  const c = entry.config as Record<string, unknown> | undefined;
  if (c && typeof c.db === "string") c.db = join(opts.dir, "job-log.sqlite");
}
withCollector(config, "boards");

// revolution latencies of the current sample period (preallocated: the bench adds no garbage per revolution)
const lat = new Float64Array(1 << 16);
let latN = 0;
const c = collector(
  (ms) => {
    if (latN < lat.length) lat[latN++] = ms;
  },
  (kind, board) => send({ type: "board", kind, board, wallMs: wallMs() }),
);
const host = await Host.load(config, { preloaded: { "bench:collector": c.plugin } });
// The histogram holds the intervals between the ticks of a `resolution` ms timer; the delay is the excess.
const ELD_RESOLUTION_MS = 10;
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
const delay = (ns: number): number => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
await host.start();
eld.enable();
let cpu0 = process.cpuUsage();
send({ type: "started" });

function usage(): Usage {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage(cpu0);
  cpu0 = process.cpuUsage();
  const l = lat.subarray(0, latN).sort();
  const u: Usage = {
    wallMs: wallMs(),
    rssMb: mem.rss / 1e6,
    heapUsedMb: mem.heapUsed / 1e6,
    heapTotalMb: mem.heapTotal / 1e6,
    externalMb: (mem.external + mem.arrayBuffers) / 1e6,
    cpuUserS: cpu.user / 1e6,
    cpuSystemS: cpu.system / 1e6,
    eldP50Ms: delay(eld.percentile(50)),
    eldP99Ms: delay(eld.percentile(99)),
    eldMaxMs: delay(eld.max),
    latencyP99Ms: latN > 0 ? l[Math.min(latN - 1, Math.floor(0.99 * latN))] : Number.NaN,
    latencyMaxMs: latN > 0 ? l[latN - 1] : Number.NaN,
    revolutions: latN,
    records: c.records(),
    featureRevs: host.metrics.value("features.revolutions") ?? 0,
    featureDropped: host.metrics.value("features.dropped") ?? 0,
    featureLostSamples: host.metrics.value("features.lostSamples") ?? 0,
  };
  eld.reset();
  latN = 0;
  return u;
}

process.on("message", (m: { type: string }) => {
  if (m.type === "sample") send({ type: "sample", ...usage() });
  else if (m.type === "stop") {
    void host.stop().then(() => {
      process.send?.({ type: "stopped", metrics: host.metrics.snapshot(), channels: host.channelReport() }, () => process.exit(0));
    });
  }
});
process.on("disconnect", () => void host.stop().then(() => process.exit(0)));
