// GC child script (run by test/support/gc-count.ts): the controller's per-revolution feature work in
// steady state — VIB features from a ring, the phase's synchronous average and summary, runout fit
// and wander — over many revolutions.
// args[0] = "reuse": one set of objects for every revolution (must allocate nothing);
//           "fresh": a new VibFeatures per revolution (the allocating control).
import { FeatureSummary } from "../../../src/dsp/feature-summary.ts";
import { RunoutFit } from "../../../src/dsp/runout.ts";
import { RunoutWander, WanderResult } from "../../../src/dsp/runout-wander.ts";
import { SyncAverage } from "../../../src/dsp/sync-average.ts";
import { VibFeatures } from "../../../src/dsp/vib-features.ts";
import { mulberry32, randomShape, sampleRevolution, type Revolution } from "../support/revolutions.ts";
import { gaussian, vibRevolutions } from "../support/vib-signals.ts";

const REVS = 40;
const PASSES = 25; // 1,000 revolutions at 3200 Hz, 140–160 rpm: 7 minutes of board time
const CONTROL_PASSES = 2;
/** Plus many short revolutions (400 Hz board, ~100 samples, small grid and frame), so that a few
 *  boxed doubles per revolution add up to megabytes. Tried by planting them: 3 per revolution
 *  (48 bytes, 1.9 MB in all) showed as GC in some runs, 1 per revolution did not; an allocation per
 *  sample shows at once in the 1,000 long revolutions. */
const SHORT_REVS = 40_000;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const rnd = mulberry32(9);
  const g = gaussian(rnd);
  const periods = Array.from({ length: REVS }, () => 60e6 / (140 + 20 * rnd()));
  const vib = vibRevolutions((tS, th, a) => (a === 0 ? 1 : 0) + 0.01 * Math.cos(2 * th) + 0.05 * Math.sin(2 * Math.PI * 800 * tS) + 0.02 * g(), periods);
  // Lay the revolutions into a ring as the decoder would: sample numbers from 40,000, so it wraps.
  const cap = 65536;
  const times = new Float64Array(cap);
  const ch = [new Int16Array(cap), new Int16Array(cap), new Int16Array(cap)];
  const sat = new Uint8Array(cap);
  const bounds = new Float64Array(REVS * 4); // [start µs, period µs, first sample, end sample] per revolution
  let w = 40_000;
  vib.forEach((r, i) => {
    bounds[4 * i] = r.startUs;
    bounds[4 * i + 1] = r.periodUs;
    bounds[4 * i + 2] = w;
    for (let k = 0; k < r.times.length; k++, w++) {
      times[w % cap] = r.times[k];
      for (let a = 0; a < 3; a++) ch[a][w % cap] = r.channels[a][k];
      sat[w % cap] = k % 97 === 5 ? 1 : 0;
    }
    bounds[4 * i + 3] = w;
  });
  const run: Revolution[] = [];
  for (let i = 0; i < REVS; i++) run.push(sampleRevolution(randomShape(rnd), 60e6 / periods[i], 0.4, rnd, vib[i].startUs));
  const shared = new VibFeatures();
  const tsa = [0, 1, 2].map(() => new SyncAverage(shared.angleGrid));
  const summary = new FeatureSummary(shared.names);
  const fit = new RunoutFit({ orders: 6 });
  const wander = new RunoutWander(6);
  const sums = new Float64Array(1);

  const pass = () => {
    shared.breakContinuity();
    wander.reset();
    summary.reset();
    for (const t of tsa) t.reset();
    for (let i = 0; i < REVS; i++) {
      const f = mode === "fresh" ? new VibFeatures() : shared;
      f.begin(bounds[4 * i], bounds[4 * i + 1]);
      f.add(times, ch, sat, bounds[4 * i + 2] - 50, bounds[4 * i + 3] + 50);
      f.finish();
      summary.add(f.features);
      for (let a = 0; a < 3; a++) tsa[a].add(f.grids[a]);
      const r = run[i];
      fit.begin(bounds[4 * i], bounds[4 * i + 1]);
      fit.add(r.times, r.raw, r.flags, 1, 0, r.times.length, 0.1);
      fit.finish();
      wander.update(fit, bounds[4 * i], bounds[4 * i + 1]);
      sums[0] += f.features[5];
      const wv = wander.result[WanderResult.SHAPE];
      if (wv === wv) sums[0] += wv;
    }
    summary.finish();
    for (const t of tsa) t.finish();
    sums[0] += summary.summary[0] + tsa[1].amplitudes[1];
  };
  const short = vibRevolutions((tS, th, a) => (a === 1 ? 1 : 0) + 0.05 * Math.cos(3 * th) + 0.02 * g(), [250_000, 251_000, 249_000, 250_500], 400);
  const shortBounds = Float64Array.from(short.flatMap((r) => [r.startUs, r.periodUs]));
  const small = new VibFeatures({ gridBins: 64, frameSize: 64, maxSamples: 256 });
  small.setBoard(400, 0.0039);
  const smallSummary = new FeatureSummary(small.names, { medianCapacity: 64 });
  const shortPass = (revs: number) => {
    for (let i = 0; i < revs; i++) {
      const r = short[i & 3];
      small.begin(shortBounds[2 * (i & 3)], shortBounds[2 * (i & 3) + 1]);
      small.add(r.times, r.channels, r.saturation, 0, r.times.length);
      small.finish();
      smallSummary.add(small.features);
      if ((i & 63) === 63) smallSummary.finish();
    }
    sums[0] += smallSummary.summary[0];
  };
  // Warm up long enough for the optimizing compiler (lower tiers box doubles), also on a busy machine.
  // (The allocating control needs no warm-up.)
  const warm = mode === "fresh" ? 1 : 25;
  for (let i = 0; i < warm; i++) pass();
  for (let i = 0; i < warm; i++) shortPass(600);
  // Going idle after the warm-up lets V8 run the idle-time collection of the set-up's garbage now,
  // not in the window after the hot loop where the harness still counts GC entries.
  await new Promise((r) => setTimeout(r, 400));
  const passes = mode === "fresh" ? CONTROL_PASSES : PASSES;
  const shortRevs = mode === "fresh" ? 0 : SHORT_REVS;
  console.log(`features of ${passes * REVS} revolutions and ${shortRevs} short ones`);
  return () => {
    for (let p = 0; p < passes; p++) pass();
    shortPass(shortRevs);
    if (!(sums[0] > 0)) throw new Error("no features");
  };
}
