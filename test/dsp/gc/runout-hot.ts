// GC child script (run by test/support/gc-count.ts): per-revolution runout fits in steady state.
// args[0] = "reuse": one RunoutFit for every revolution (must allocate nothing);
//           "fresh": a new RunoutFit per revolution (the allocating control).
import { RunoutFit, RunoutResult } from "../../../src/dsp/runout.ts";
import { mulberry32, randomShape, sampleRevolution, type Revolution } from "../support/revolutions.ts";

const PASSES = 300;
/** The control allocates ~40 kB per fit: a few passes are plenty to see GC. */
const CONTROL_PASSES = 20;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const rnd = mulberry32(5);
  const revs: Revolution[] = [];
  // Short revolutions (900 rpm: ~66 samples) so that many fits run: a few boxed doubles per fit
  // (e.g. a begin() argument) would add up to megabytes and show as GC.
  for (let i = 0; i < 200; i++) revs.push(sampleRevolution(randomShape(rnd), 880 + 40 * rnd(), 0.4, rnd, 5e9 + i * 5e5));
  // Revolution bounds come from a typed array, as from StreamDecoder.times.
  const bounds = new Float64Array(revs.length * 2);
  revs.forEach((rev, i) => bounds.set([rev.startUs, rev.periodUs], 2 * i));
  const sums = new Float64Array(1);
  const shared = new RunoutFit({ orders: 6, minSamples: 40 });
  const fitAll = () => {
    for (let i = 0; i < revs.length; i++) {
      const rev = revs[i];
      const est = mode === "fresh" ? new RunoutFit({ orders: 6, minSamples: 40 }) : shared;
      est.begin(bounds[2 * i], bounds[2 * i + 1]);
      est.add(rev.times, rev.raw, rev.flags, 1, 0, rev.times.length, 0.1);
      const r = est.result;
      if (est.finish()) sums[0] += r[RunoutResult.PEAK_TO_PEAK] + r[RunoutResult.MAX_ANGLE_DEG] + r[RunoutResult.RESIDUAL_RMS];
    }
  };
  for (let i = 0; i < 3; i++) fitAll();
  const passes = mode === "fresh" ? CONTROL_PASSES : PASSES;
  console.log(`fitting ${passes * revs.length} revolutions`);
  return () => {
    for (let p = 0; p < passes; p++) fitAll();
    if (!(sums[0] > 0)) throw new Error("no fits");
  };
}
