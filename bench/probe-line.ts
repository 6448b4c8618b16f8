// What leaving a loose adapter's rattle out of LRO costs (npx tsx bench/probe-line.ts [--minutes N
// --loose-minutes N --rounds N]): the whole replay pipeline (config/replay.yaml, as bench/replay.ts)
// on the same captures with and without the probe line (src/dsp/nonsync-line.ts), in × real time,
// side by side in the same run. Each replay runs in its own child process, the two variants
// alternating, `rounds` times each; the best of each is compared (the least disturbed by the rest of
// the machine), by wall time and by the child's CPU time (which other processes disturb less), and
// every round is printed.
//   "without": NonSyncLine's begin/add/finish replaced by empty functions in that child, so the
//              assembler fits every revolution once, as before the probe line (its line stays off)
//   "with":    the code as it is
// Captures: the mixed scenario (seed 42, as bench/replay.ts: 6 % loose adapters) and the
// loose-adapter scenario (every job: the line found and fitted out in measure and check).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Simulator, writeCaptures } from "../firmware-sim/index.ts";
import { Host, loadConfigFile } from "../src/runtime/index.ts";
import { shippedConfig } from "../src/cli/pipeline.ts";
import { NonSyncLine } from "../src/dsp/nonsync-line.ts";
import { collector, withCollector } from "./live-support.ts";

const argv = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const JOB_S = 16.4; // mean simulated job length

if (argv[0] === "--child") {
  // --child <with|without> <dir>: one replay of the captures in dir; prints its seconds as JSON.
  const [, variant, dir] = argv;
  if (variant === "without") {
    const off = NonSyncLine.prototype as unknown as Record<string, () => void>;
    off.begin = off.add = off.finish = () => undefined;
  }
  const config = await loadConfigFile(shippedConfig("replay.yaml"));
  config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
  withCollector(config, "replay-source");
  const c = collector();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const host = await Host.load(config, { preloaded: { "bench:collector": c.plugin } });
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
  await host.idle();
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await host.stop();
  console.log(JSON.stringify({ s, cpuS: (cpu.user + cpu.system) / 1e6, records: c.records() }));
  process.exit(0);
}

const ROUNDS = opt("rounds", 4);
const self = fileURLToPath(import.meta.url);

interface Run {
  /** Wall seconds of the replay, and CPU seconds of its process over it (less disturbed by other
   *  processes on a busy machine). */
  s: number;
  cpuS: number;
  records: number;
}

function replayOnce(variant: "with" | "without", dir: string): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", variant, dir], { encoding: "utf8" });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !last.startsWith("{")) throw new Error(`child ${variant} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(last) as Run;
}

function compare(label: string, scenario: string, minutes: number, seed: number): void {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-bench-line-"));
  try {
    const jobs = Math.ceil((minutes * 60) / JOB_S);
    const sum = writeCaptures(new Simulator({ scenario, jobs, seed, keepRevolutions: false }), dir);
    const boardS = sum.simSeconds;
    const best = { with: Infinity, without: Infinity };
    const bestCpu = { with: Infinity, without: Infinity };
    const rounds: string[] = [];
    let records = 0;
    for (let i = 0; i < ROUNDS; i++) {
      for (const v of i % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const)) {
        const r = replayOnce(v, dir);
        best[v] = Math.min(best[v], r.s);
        bestCpu[v] = Math.min(bestCpu[v], r.cpuS);
        records = r.records;
        rounds.push(`${v} ${(boardS / r.s).toFixed(0)}× (cpu ${(boardS / r.cpuS).toFixed(0)}×)`);
      }
    }
    const x = (s: number) => `${(boardS / s).toFixed(0).padStart(5)}× real time (${s.toFixed(2)} s)`;
    console.log(`\n${label}: ${sum.jobs} jobs, ${(boardS / 60).toFixed(1)} min of both boards, ${records} job records`);
    const xc = (s: number) => `${(boardS / s).toFixed(0).padStart(5)}× per CPU second (${s.toFixed(2)} s)`;
    console.log(`  without the probe line  ${x(best.without)}   ${xc(bestCpu.without)}`);
    console.log(`  with the probe line     ${x(best.with)}   ${xc(bestCpu.with)}`);
    console.log(`  with / without: ${(best.without / best.with).toFixed(3)} of the speed (wall), ${(bestCpu.without / bestCpu.with).toFixed(3)} (CPU)`);
    console.log(`  rounds: ${rounds.join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; best of ${ROUNDS} alternating rounds, each replay in its own process`);
compare("mixed (bench/replay.ts captures)", "mixed", opt("minutes", 10), 42);
compare("loose-adapter", "loose-adapter", opt("loose-minutes", 3), 3);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
