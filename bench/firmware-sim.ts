// Firmware simulator generation speed, in board seconds per wall second, side by side:
//   sim 10 ms blocks (default) | sim 50 ms blocks | sim + writing capture files | decodeFrame of the same bytes
// Interleaved rounds, best round counts (this machine is shared). The fleet target: 600 jobs
// (~2.5 h of board time) should take well under a minute.
//   npx tsx bench/firmware-sim.ts [jobs=20] [rounds=3]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator, writeCaptures } from "../firmware-sim/index.ts";
import { decodeFrame } from "../src/protocol/index.ts";

const jobs = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 3);
const opts = { scenario: "mixed", jobs, seed: 5 } as const;

function generate(blockMs: number): { boardS: number; wallS: number; bytes: number } {
  const sim = new Simulator({ ...opts, blockMs });
  const t0 = performance.now();
  let bytes = 0;
  for (const c of sim.chunks()) bytes += c.bytes.length;
  return { boardS: sim.simUs / 1e6, wallS: (performance.now() - t0) / 1000, bytes };
}

function toFiles(): { boardS: number; wallS: number; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-bench-sim-"));
  try {
    const t0 = performance.now();
    const s = writeCaptures(new Simulator(opts), dir);
    return { boardS: s.simSeconds, wallS: (performance.now() - t0) / 1000, bytes: s.bytes.vib + s.bytes.run };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The same bytes through decodeFrame (one object per frame): a yardstick from the protocol side.
const chunks: Uint8Array[] = [];
const ref = new Simulator(opts);
for (const c of ref.chunks()) chunks.push(c.bytes);
const refBoardS = ref.simUs / 1e6;
function decodeAll(): { boardS: number; wallS: number; bytes: number } {
  const t0 = performance.now();
  let bytes = 0;
  for (const c of chunks) {
    let s = 0;
    for (let i = 0; i < c.length; i++) if (c[i] === 0) {
      decodeFrame(c.subarray(s, i + 1));
      s = i + 1;
    }
    bytes += c.length;
  }
  return { boardS: refBoardS, wallS: (performance.now() - t0) / 1000, bytes };
}

const cases: [string, () => { boardS: number; wallS: number; bytes: number }][] = [
  ["sim, 10 ms blocks", () => generate(10)],
  ["sim, 50 ms blocks", () => generate(50)],
  ["sim + capture files", toFiles],
  ["decodeFrame of its bytes", decodeAll],
];
const best = new Map<string, { boardS: number; wallS: number; bytes: number }>();
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of cases) {
    const m = fn();
    const b = best.get(name);
    if (!b || m.wallS < b.wallS) best.set(name, m);
  }
}
console.log(`firmware-sim, scenario mixed, ${jobs} jobs, best of ${rounds} rounds; load average ${loadavg()[0].toFixed(1)}`);
const base = best.get("sim, 10 ms blocks")!;
const baseRate = base.boardS / base.wallS;
for (const [name] of cases) {
  const m = best.get(name)!;
  const rate = m.boardS / m.wallS;
  console.log(
    `${name.padEnd(26)} ${m.boardS.toFixed(0).padStart(6)} board-s in ${m.wallS.toFixed(2).padStart(6)} s  ` +
      `${rate.toFixed(0).padStart(7)}× real time  ${(m.bytes / m.wallS / 1e6).toFixed(1).padStart(6)} MB/s  ratio ${(rate / baseRate).toFixed(2)}`,
  );
}
const fleetBoardS = 600 * (base.boardS / jobs);
console.log(`600-job fleet ≈ ${(fleetBoardS / 3600).toFixed(1)} h of board time → ≈ ${(fleetBoardS / baseRate).toFixed(0)} s to generate`);
