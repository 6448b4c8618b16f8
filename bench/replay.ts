// Shop-controller benchmark (npm run bench:replay [-- --minutes N --live-s S --long]).
//
// 1. Replay speed: simulator captures of both boards at full rate (VIB 3200 Hz × 3, RUN 1000 Hz,
//    INDEX, LATHE, STATUS) replayed through the whole pipeline (config/replay.yaml: tracker,
//    features, rules, records) as fast as the CPU allows, in × real time, side by side in the same
//    run with: the simulator's own generation speed, and ReplaySource decoding the same files with
//    no pipeline (read + merge + decode only).
// 2. Memory: RSS sampled every 250 ms during a long replay (default 30 min of board time, --long:
//    2 h): first, max and last after warm-up, and the growth from the first to the last quarter.
// 3. Live: the simulated boards at real time in a child process (bench/live-sim.ts, pty pairs, its
//    CPU not counted), each configuration below in this process for --live-s seconds: CPU of this
//    process as % of one core and as CPU ms per second of board data (both boards), with the load
//    average. Side by side, the serial transport alone (BoardSet) with each port reader
//    (src/transport/port-reader.ts: "stream" = serialport's SerialPortStream, the previous path;
//    "await" = binding.read() loop; "poll" = one read per poll, the default where available), with
//    the time each frame took from its write into the pty to its decoding here; then the boards
//    plugin alone and the full controller (config/sim.yaml) with the previous and the default
//    reader, with the latency from the arrival of the last sample a revolution needs to its
//    features (p50 / p99 / max).
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Simulator, writeCaptures } from "../firmware-sim/index.ts";
import { ReplaySource } from "../src/transport/replay-source.ts";
import { Host, loadConfigFile } from "../src/runtime/index.ts";
import { shippedConfig } from "../src/cli/pipeline.ts";
import { BoardSet, type BoardRole } from "../src/transport/board-set.ts";
import type { ReaderKind } from "../src/transport/port-reader.ts";
import { ArrivalLog, boardSecondsWritten, quantile, startLiveSim, usageOver, type Usage } from "./live-runs.ts";
import { collector, liveConfig, LIVE_PIPELINE, withCollector } from "./live-support.ts";

const argv = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const LONG = argv.includes("--long");
const MINUTES = opt("minutes", LONG ? 120 : 30);
const LIVE_S = opt("live-s", 30);
const JOB_S = 16.4; // mean simulated job length

// ---- captures
const dir = mkdtempSync(join(tmpdir(), "edgeprop-bench-replay-"));
const jobs = Math.ceil((MINUTES * 60) / JOB_S);
let t0 = performance.now();
const summary = writeCaptures(new Simulator({ scenario: "mixed", jobs, seed: 42, keepRevolutions: false }), dir);
const genS = (performance.now() - t0) / 1000;
const boardS = summary.simSeconds;
const mb = (summary.bytes.vib + summary.bytes.run) / 1e6;
console.log(`captures: ${summary.jobs} jobs, ${(boardS / 60).toFixed(1)} min of both boards, ${mb.toFixed(1)} MB (${((mb * 1e3) / boardS).toFixed(1)} kB/s live)`);

// ---- decode only
t0 = performance.now();
const plain = new ReplaySource({ dir, readBytes: 65536 });
await plain.play();
const decodeS = (performance.now() - t0) / 1000;

// ---- full pipeline, with RSS samples
const rss: number[] = [];
const sampler = setInterval(() => rss.push(process.memoryUsage().rss / 1e6), 250);
const config = await loadConfigFile(shippedConfig("replay.yaml"));
config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
withCollector(config, "replay-source");
const c = collector();
t0 = performance.now();
const host = await Host.load(config, { preloaded: { "bench:collector": c.plugin } });
await host.start();
while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
await host.idle();
const pipeS = (performance.now() - t0) / 1000;
await host.stop();
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });

const x = (s: number) => `${(boardS / s).toFixed(0).padStart(6)}× real time`;
console.log(`\nreplay speed (${(boardS / 60).toFixed(1)} min of board time):`);
console.log(`  ${"full pipeline (edgeprop replay)".padEnd(46)} ${pipeS.toFixed(2).padStart(7)} s ${x(pipeS)}   ${c.records()} job records`);
console.log(`  ${"ReplaySource decode only (no pipeline)".padEnd(46)} ${decodeS.toFixed(2).padStart(7)} s ${x(decodeS)}   pipeline = ${(decodeS / pipeS).toFixed(2)}× its speed`);
console.log(`  ${"firmware-sim generating the captures".padEnd(46)} ${genS.toFixed(2).padStart(7)} s ${x(genS)}`);
console.log(`  one hour of board time replays in ${((3600 / boardS) * pipeS).toFixed(1)} s`);

const warm = rss.slice(Math.floor(rss.length * 0.1));
const q = Math.max(1, Math.floor(warm.length / 4));
const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`\nRSS during the replay (${rss.length} samples): after warm-up first ${warm[0]?.toFixed(0)} MB, max ${Math.max(...warm).toFixed(0)} MB, last ${warm.at(-1)?.toFixed(0)} MB; last quarter − first quarter ${(avg(warm.slice(-q)) - avg(warm.slice(0, q))).toFixed(1)} MB`);

// ---- live at real time
interface LiveResult extends Usage {
  boardS: number;
  reads: number;
  transit: number[];
  lat: number[];
}

const WARM_MS = 3000; // boards found, first revolutions

/** BoardSet alone (serial links + decoders, nothing written anywhere) with the given reader. */
async function transportRun(reader: ReaderKind, seconds: number): Promise<LiveResult> {
  const sim = await startLiveSim();
  const log = new ArrivalLog(Math.ceil((seconds + 5) * 400));
  let noting = false;
  const sink = (board: number, role: BoardRole) => ({
    onSamples: () => {
      if (noting) log.note(board, set.links.get(role)!.decoder.lastSeq);
    },
  });
  const set = new BoardSet({ pinned: sim.paths, link: { reader }, sinks: { vib: sink(0, "vib"), run: sink(1, "run") } });
  set.start();
  await new Promise((r) => setTimeout(r, WARM_MS));
  const readsNow = () => [...set.links.values()].reduce((n, l) => n + (l.portReader?.reads ?? 0), 0);
  const reads0 = readsNow();
  noting = true;
  const use = await usageOver(seconds);
  noting = false;
  const reads = readsNow() - reads0;
  await set.stop();
  const writes = await sim.stop();
  return { ...use, boardS: boardSecondsWritten(writes, use.from, use.to), reads, transit: log.transit(writes), lat: [] };
}

/** The boards plugin alone, or the controller's pipeline (sim.yaml without the job log or panel). */
async function hostRun(mode: "full" | "boards", reader: ReaderKind, seconds: number): Promise<LiveResult> {
  const sim = await startLiveSim();
  const full = mode === "full";
  const live = await liveConfig(sim.paths, { keep: LIVE_PIPELINE, reader });
  if (!full) for (const name of Object.keys(live.plugins)) if (name !== "boards") delete live.plugins[name];
  const lat: number[] = [];
  if (full) withCollector(live, "boards");
  const lc = collector((ms) => lat.push(ms));
  const liveHost = await Host.load(live, { preloaded: { "bench:collector": lc.plugin } });
  await liveHost.start();
  await new Promise((r) => setTimeout(r, WARM_MS));
  lat.length = 0;
  const use = await usageOver(seconds);
  await liveHost.stop();
  const writes = await sim.stop();
  return { ...use, boardS: boardSecondsWritten(writes, use.from, use.to), reads: NaN, transit: [], lat: lat.sort((a, b) => a - b) };
}

/** This process with the simulator running and no port open: the floor under every figure. */
async function idleRun(seconds: number): Promise<LiveResult> {
  const sim = await startLiveSim();
  await new Promise((r) => setTimeout(r, WARM_MS));
  const use = await usageOver(seconds);
  const writes = await sim.stop();
  return { ...use, boardS: boardSecondsWritten(writes, use.from, use.to), reads: NaN, transit: [], lat: [] };
}

const runs: [string, LiveResult][] = [];
const load0 = loadavg();
runs.push(["this process, no port open", await idleRun(Math.min(10, LIVE_S))]);
for (const reader of ["stream", "await", "poll"] as const) runs.push([`BoardSet alone, reader ${reader}`, await transportRun(reader, LIVE_S)]);
runs.push(["boards plugin alone, auto", await hostRun("boards", "auto", LIVE_S)]);
runs.push(["full controller, reader stream", await hostRun("full", "stream", LIVE_S)]);
runs.push(["full controller, auto (poll)", await hostRun("full", "auto", LIVE_S)]);
const load1 = loadavg();

const ms = (v: number | undefined) => (v === undefined ? "   –" : v.toFixed(2).padStart(5));
console.log(
  `\nlive at real time (${LIVE_S} s each; simulated boards on ptys in a child process, not counted), ${cpus().length} cores, ` +
    `load average ${load0.map((l) => l.toFixed(2)).join(" ")} before, ${load1.map((l) => l.toFixed(2)).join(" ")} after:`,
);
console.log(`  ${"".padEnd(32)} ${"% of one core (user, system)".padEnd(28)} ${"CPU ms per board-s".padStart(18)} ${"reads/s".padStart(8)} ${"RSS".padStart(6)}  load 1 min   write → decoded p50 / p99 / max ms`);
for (const [name, r] of runs) {
  const transit = r.transit.length > 0 ? `${ms(quantile(r.transit, 0.5))} / ${ms(quantile(r.transit, 0.99))} / ${ms(r.transit.at(-1))}  (${r.transit.length} frames)` : "";
  console.log(
    `  ${name.padEnd(32)} ${`${r.cpu.toFixed(2)} % (${r.user.toFixed(2)}, ${r.system.toFixed(2)})`.padEnd(28)} ${(r.cpuMs / r.boardS).toFixed(2).padStart(18)} ` +
      `${Number.isNaN(r.reads) ? "".padStart(8) : (r.reads / ((r.to - r.from) / 1000)).toFixed(0).padStart(8)} ${`${r.rss.toFixed(0)} MB`.padStart(6)}  ${r.load.map((l) => l.toFixed(2)).join("→").padEnd(10)}  ${transit}`,
  );
}
const get = (name: string) => runs.find(([n]) => n === name)![1];
const perBoardS = (r: LiveResult) => r.cpuMs / r.boardS;
const ratio = (a: LiveResult, b: LiveResult) => `${(perBoardS(a) / perBoardS(b)).toFixed(2)}× the CPU per board-second`;
console.log(`  BoardSet: reader poll uses ${ratio(get("BoardSet alone, reader poll"), get("BoardSet alone, reader stream"))} of reader stream; await ${ratio(get("BoardSet alone, reader await"), get("BoardSet alone, reader stream"))}`);
console.log(`  full controller: auto (poll) uses ${ratio(get("full controller, auto (poll)"), get("full controller, reader stream"))} of reader stream`);
for (const name of ["full controller, reader stream", "full controller, auto (poll)"]) {
  const lat = get(name).lat;
  if (lat.length > 0) {
    console.log(`  ${name}: last sample's arrival → features, ${lat.length} revolutions: p50 ${ms(quantile(lat, 0.5))} ms, p99 ${ms(quantile(lat, 0.99))} ms, max ${ms(lat.at(-1))} ms`);
  } else console.log(`  ${name}: no revolutions measured live (boards not found?)`);
}
process.exit(0);
