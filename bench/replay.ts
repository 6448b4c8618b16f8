// Shop-controller benchmark (npm run bench:replay [-- --minutes N --live-s S --long]).
//
// 1. Replay speed: simulator captures of both boards at full rate (VIB 3200 Hz × 3, RUN 1000 Hz,
//    INDEX, LATHE, STATUS) replayed through the whole pipeline (config/replay.yaml: tracker,
//    features, rules, records) as fast as the CPU allows, in × real time, side by side in the same
//    run with: the simulator's own generation speed, and ReplaySource decoding the same files with
//    no pipeline (read + merge + decode only).
// 2. Memory: RSS sampled every 250 ms during a long replay (default 30 min of board time, --long:
//    2 h): first, max and last after warm-up, and the growth from the first to the last quarter.
// 3. Live: the simulator at real time in a child process (`edgeprop sim --pty --speed 1`), the
//    controller (config/sim.yaml, boards on the ptys) in this process for --live-s seconds: CPU of
//    this process as % of one core, beside the boards plugin alone (transport and decoding, no
//    pipeline) in the same run; and latency from the arrival of the last sample a revolution needs
//    to its features (p50 / p99 / max over all revolutions).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Simulator, writeCaptures } from "../firmware-sim/index.ts";
import { ReplaySource } from "../src/transport/replay-source.ts";
import { Host, loadConfigFile } from "../src/runtime/index.ts";
import { shippedConfig } from "../src/cli/pipeline.ts";
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

// ---- live at real time: the full controller, and beside it the boards plugin alone (serial
// transport + decoding + channel writes, no tracker / features / rules / records)
const bin = fileURLToPath(new URL("../bin/edgeprop.js", import.meta.url));

async function liveRun(mode: "full" | "boards" | "transport", seconds: number): Promise<{ cpu: number; user: number; system: number; rss: number; lat: number[] }> {
  const child = spawn(process.execPath, [bin, "sim", "--pty", "--speed", "1", "--scenario", "good", "--jobs", "100", "--wait-ms", "300"], { stdio: ["ignore", "pipe", "ignore"] });
  const paths = await new Promise<{ vib: string; run: string }>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as { vib: string; run: string });
    });
    child.on("exit", (code) => reject(new Error(`sim exited with ${code}`)));
  });
  if (mode === "transport") {
    // BoardSet alone: serial links + decoders, nothing written anywhere
    const { BoardSet } = await import("../src/transport/board-set.ts");
    const set = new BoardSet({ pinned: { vib: paths.vib, run: paths.run } });
    set.start();
    await new Promise((r) => setTimeout(r, 3000));
    const use = await usageOver(seconds);
    await set.stop();
    child.kill("SIGTERM");
    return { ...use, lat: [] };
  }
  const full = mode === "full";
  // the controller's pipeline only (other plugins of sim.yaml, e.g. the job log or a panel, are not measured here)
  const live = await liveConfig(paths, { keep: full ? LIVE_PIPELINE : ["boards"] });
  const lat: number[] = [];
  if (full) withCollector(live, "boards");
  const lc = collector((ms) => lat.push(ms));
  const liveHost = await Host.load(live, { preloaded: { "bench:collector": lc.plugin } });
  await liveHost.start();
  await new Promise((r) => setTimeout(r, 3000)); // boards found, first revolutions
  lat.length = 0;
  const use = await usageOver(seconds);
  await liveHost.stop();
  child.kill("SIGTERM");
  return { ...use, lat: lat.sort((a, b) => a - b) };
}

/** This process's CPU (% of one core: total, user, system) over the next `seconds`, and its RSS (MB) at the end. */
async function usageOver(seconds: number): Promise<{ cpu: number; user: number; system: number; rss: number }> {
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  const rss = process.memoryUsage().rss / 1e6;
  const pc = (us: number) => ((us / 1000 / wall) * 100);
  return { cpu: pc(cpu.user + cpu.system), user: pc(cpu.user), system: pc(cpu.system), rss };
}

const transport = await liveRun("transport", LIVE_S);
const alone = await liveRun("boards", LIVE_S);
const whole = await liveRun("full", LIVE_S);
const fmt = (r: typeof whole) => `${r.cpu.toFixed(2)} % of one core (user ${r.user.toFixed(2)} %, system ${r.system.toFixed(2)} %), RSS ${r.rss.toFixed(0)} MB`;
console.log(`\nlive at real time (${LIVE_S} s each, simulator in a child process on ptys), CPU of this process:`);
console.log(`  ${"full controller".padEnd(28)} ${fmt(whole)}`);
console.log(`  ${"boards plugin alone".padEnd(28)} ${fmt(alone)}   pipeline adds ${(whole.cpu - alone.cpu).toFixed(2)} points`);
console.log(`  ${"BoardSet alone (transport)".padEnd(28)} ${fmt(transport)}   channels + host add ${(alone.cpu - transport.cpu).toFixed(2)} points`);
const lat = whole.lat;
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
if (lat.length > 0) {
  console.log(`  last sample's arrival → features, ${lat.length} revolutions: p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, max ${lat.at(-1)!.toFixed(2)} ms`);
} else console.log("  no revolutions measured live (boards not found?)");
process.exit(0);
