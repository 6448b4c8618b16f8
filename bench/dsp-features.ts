// Per-revolution feature throughput (npm run bench:dsp [-- --quick]).
// Revolutions of VIB data at 3200 Hz and 140–160 rpm (about 1280 samples × 3 axes each), read from a
// ring as the controller does. Printed side by side, in revolutions per second (wall and per CPU
// second of this process, the steadier figure on a busy machine; ratios use CPU):
//   edgeprop      VibFeatures reused for every revolution (+ the phase's TSA and summary)
//   naive         the same features written plainly: arrays built per call, direct per-sample DFT
//                 for the orders, a new FFT and new buffers per frame (an allocate-per-call design)
//   fresh         VibFeatures constructed for every revolution (same code, set-up cost per call)
// and what fraction of one core the live controller's feature work takes at real time (2.5 rev/s),
// with and without the runout fit and wander of the RUN board's revolution.
import FFT from "fft.js";
import { FeatureSummary } from "../src/dsp/feature-summary.ts";
import { RunoutFit } from "../src/dsp/runout.ts";
import { RunoutWander } from "../src/dsp/runout-wander.ts";
import { SyncAverage } from "../src/dsp/sync-average.ts";
import { VibFeatures } from "../src/dsp/vib-features.ts";
import { DEFAULT_BANDS } from "../src/dsp/band-spectrum.ts";
import { mulberry32, randomShape, sampleRevolution, type Revolution } from "../test/dsp/support/revolutions.ts";
import { gaussian, LSB_G, vibRevolutions } from "../test/dsp/support/vib-signals.ts";
import { timePasses } from "./measure.ts";

const quick = process.argv.includes("--quick");
const MIN_MS = quick ? 300 : 1500;
const ROUNDS = quick ? 1 : 3;
const REVS = 40;
const REAL_TIME_REV_PER_S = 2.5;

const rnd = mulberry32(5);
const g = gaussian(rnd);
const periods = Array.from({ length: REVS }, () => 60e6 / (140 + 20 * rnd()));
const vib = vibRevolutions((tS, th, a) => (a === 0 ? 0.98 : 0) + 0.01 * Math.cos(2 * th) + 0.05 * Math.sin(2 * Math.PI * 800 * tS) + 0.02 * g(), periods);
const cap = 65536;
const times = new Float64Array(cap);
const ch = [new Int16Array(cap), new Int16Array(cap), new Int16Array(cap)];
const sat = new Uint8Array(cap);
const bounds = new Float64Array(REVS * 4);
let w = 40_000;
vib.forEach((r, i) => {
  bounds.set([r.startUs, r.periodUs, w, w + r.times.length], 4 * i);
  for (let k = 0; k < r.times.length; k++, w++) {
    times[w % cap] = r.times[k];
    for (let a = 0; a < 3; a++) ch[a][w % cap] = r.channels[a][k];
  }
});
const run: Revolution[] = vib.map((r) => sampleRevolution(randomShape(rnd), 60e6 / r.periodUs, 0.4, rnd, r.startUs));
const sums = new Float64Array(1);

const shared = new VibFeatures();
const tsa = [0, 1, 2].map(() => new SyncAverage(shared.angleGrid));
const summary = new FeatureSummary(shared.names);
const fit = new RunoutFit({ orders: 6 });
const wander = new RunoutWander(6);

function ours(f: VibFeatures, i: number): void {
  f.begin(bounds[4 * i], bounds[4 * i + 1]);
  f.add(times, ch, sat, bounds[4 * i + 2], bounds[4 * i + 3]);
  f.finish();
  summary.add(f.features);
  for (let a = 0; a < 3; a++) tsa[a].add(f.grids[a]);
  sums[0] += f.features[4];
}

function runout(i: number): void {
  const r = run[i];
  fit.begin(bounds[4 * i], bounds[4 * i + 1]);
  fit.add(r.times, r.raw, r.flags, 1, 0, r.times.length, 0.1);
  fit.finish();
  wander.update(fit, bounds[4 * i], bounds[4 * i + 1]);
}

/** The same features, written the plain way. */
function naive(i: number): number[] {
  const start = bounds[4 * i];
  const period = bounds[4 * i + 1];
  const out: number[] = [60e6 / period];
  const idx: number[] = [];
  for (let s = bounds[4 * i + 2]; s < bounds[4 * i + 3]; s++) idx.push(s % cap);
  for (let a = 0; a < 3; a++) {
    const pts = idx.map((s) => ({ u: (times[s] - start) / period, v: ch[a][s] * LSB_G })).filter((p) => p.u >= 0 && p.u < 1);
    const vals = pts.map((p) => p.v);
    const mean = vals.reduce((x, y) => x + y, 0) / vals.length;
    const dev = vals.map((v) => v - mean);
    const m2 = dev.reduce((x, d) => x + d * d, 0) / dev.length;
    const m4 = dev.reduce((x, d) => x + d ** 4, 0) / dev.length;
    out.push(mean, Math.sqrt(m2), Math.max(...dev.map(Math.abs)) / Math.sqrt(m2), m4 / (m2 * m2));
    for (let k = 1; k <= 8; k++) {
      let c = 0;
      let s = 0;
      for (const p of pts) {
        c += p.v * Math.cos(2 * Math.PI * k * p.u);
        s += p.v * Math.sin(2 * Math.PI * k * p.u);
      }
      out.push((2 / pts.length) * Math.hypot(c, s));
    }
    const F = 1024;
    const frames = 1 + Math.ceil((dev.length - F) / (F / 2));
    const power = new Array(F / 2 + 1).fill(0);
    for (let j = 0; j < frames; j++) {
      const st = Math.round((j * (dev.length - F)) / (frames - 1));
      const fft = new FFT(F);
      const win = dev.slice(st, st + F).map((d, n) => d * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / F)));
      const spec = fft.createComplexArray();
      fft.realTransform(spec, win);
      for (let k = 1; k <= F / 2; k++) power[k] += (2 * (spec[2 * k] ** 2 + spec[2 * k + 1] ** 2)) / (F * F * 0.375) / frames;
    }
    for (const b of DEFAULT_BANDS) {
      const scale = b.unit === "order" ? 1e6 / period : 1;
      out.push(power.reduce((x, p, k) => (k > 0 && (k * 3200) / F >= b.lo * scale && (k * 3200) / F < b.hi * scale ? x + p : x), 0));
    }
  }
  return out;
}

interface Rate {
  wall: number;
  cpu: number;
}

function measure(pass: () => void): Rate {
  const t = timePasses(pass, 3, MIN_MS);
  const revs = t.passes * REVS;
  return { wall: revs / t.wallSeconds, cpu: revs / t.cpuSeconds };
}

const rows: Record<string, () => void> = {
  edgeprop: () => {
    summary.reset();
    for (let i = 0; i < REVS; i++) ours(shared, i);
    summary.finish();
  },
  "edgeprop + runout": () => {
    summary.reset();
    for (let i = 0; i < REVS; i++) {
      ours(shared, i);
      runout(i);
    }
    summary.finish();
  },
  naive: () => {
    for (let i = 0; i < REVS; i++) sums[0] += naive(i)[4];
  },
  fresh: () => {
    for (let i = 0; i < REVS; i++) ours(new VibFeatures(), i);
  },
};

// Sanity: the naive version computes the same figures (orders and bands within a few %).
ours(shared, 7);
const ref = naive(7);
const y2 = shared.features[shared.index("x_order2_g")];
const chatter = shared.features[shared.index("x_band_chatter_g2")];
console.log(`check: x order 2 ${y2.toFixed(5)} g (naive ${ref[1 + 4 + 1].toFixed(5)}), x chatter band ${chatter.toExponential(3)} g² (naive ${ref[1 + 4 + 8 + 3].toExponential(3)})`);

const results: Record<string, Rate[]> = {};
for (let r = 0; r < ROUNDS; r++) for (const [name, pass] of Object.entries(rows)) (results[name] ??= []).push(measure(pass));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = med(results.edgeprop.map((x) => x.cpu));
console.log(`\nrevolutions/s (VIB 3200 Hz, ~1280 samples × 3 axes each), median of ${ROUNDS} round(s) of ≥ ${MIN_MS} ms`);
console.log("impl                  rev/s wall   rev/s CPU   µs/rev (CPU)   × edgeprop");
for (const [name, rs] of Object.entries(results)) {
  const cpu = med(rs.map((x) => x.cpu));
  console.log(`${name.padEnd(20)} ${med(rs.map((x) => x.wall)).toFixed(0).padStart(11)} ${cpu.toFixed(0).padStart(11)} ${(1e6 / cpu).toFixed(1).padStart(14)} ${(cpu / base).toFixed(3).padStart(12)}`);
}
const withRunout = med(results["edgeprop + runout"].map((x) => x.cpu));
console.log(`\nreal time (${REAL_TIME_REV_PER_S} rev/s): VIB features ${((100 * REAL_TIME_REV_PER_S) / base).toFixed(3)} % of one core; with the runout fit and wander ${((100 * REAL_TIME_REV_PER_S) / withRunout).toFixed(3)} %`);
console.log(`replay at 200× real time (${200 * REAL_TIME_REV_PER_S} rev/s): ${((100 * 200 * REAL_TIME_REV_PER_S) / withRunout).toFixed(1)} % of one core for features + runout`);
if (!(sums[0] > 0)) throw new Error("no features");
