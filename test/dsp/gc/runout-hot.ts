// GC child script (run by test/support/gc-count.ts): per-revolution runout fits in steady state.
// args[0] = "reuse": one RunoutFit for every revolution (must allocate nothing);
//           "fresh": a new RunoutFit per revolution (the allocating control).
import { RunoutFit } from "../../../src/dsp/runout.ts";
import { mulberry32, randomShape, sampleRevolution, type Revolution } from "../support/revolutions.ts";

const PASSES = 60;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const rnd = mulberry32(5);
  const revs: Revolution[] = [];
  for (let i = 0; i < 200; i++) revs.push(sampleRevolution(randomShape(rnd), 120 + 50 * rnd(), 0.4, rnd, 5e9 + i * 5e5));
  const sums = new Float64Array(1);
  const shared = new RunoutFit({ orders: 6 });
  const fitAll = () => {
    for (let i = 0; i < revs.length; i++) {
      const rev = revs[i];
      const est = mode === "fresh" ? new RunoutFit({ orders: 6 }) : shared;
      est.begin(rev.startUs, rev.periodUs);
      est.add(rev.times, rev.raw, rev.flags, 1, 0, rev.times.length, 0.1);
      if (est.finish()) sums[0] += est.peakToPeak + est.maxAngleDeg + est.residualRms;
    }
  };
  for (let i = 0; i < 3; i++) fitAll();
  console.log(`fitting ${PASSES * revs.length} revolutions`);
  return () => {
    for (let p = 0; p < PASSES; p++) fitAll();
    if (!(sums[0] > 0)) throw new Error("no fits");
  };
}
