// GC child script (run by test/support/gc-count.ts): the probe's runout path with a non-synchronous
// line in steady state, RunoutFit → NonSyncLine (searches included) → RunoutFit.setLine → fit, per
// revolution.
// args[0] = "reuse": one NonSyncLine and RunoutFit throughout (must allocate nothing);
//           "fresh": a new NonSyncLine per revolution (the allocating control).
import { LineResult, NonSyncLine } from "../../../src/dsp/nonsync-line.ts";
import { RunoutFit, RunoutResult } from "../../../src/dsp/runout.ts";
import { rattleStream } from "../support/rattle-stream.ts";
import { lineThenFit } from "../support/line-then-fit.ts";

const PASSES = 3;
const CONTROL_PASSES = 2;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const s = rattleStream({ revolutions: 120, rpm: 150, lineHz: 11.3, lineUm: 2, wanderUm: 5, noiseUm: 0.4, seed: 7 });
  const bounds = new Float64Array(s.revs.length * 4);
  s.revs.forEach((r, i) => bounds.set([r.startUs, r.periodUs, r.from, r.to], 4 * i));
  const sums = new Float64Array(2);
  let line = new NonSyncLine();
  const fit = new RunoutFit();
  const all = () => {
    for (let i = 0; i < s.revs.length; i++) {
      const b = 4 * i;
      if (mode === "fresh") line = new NonSyncLine();
      lineThenFit(line, fit, s.times, s.values, bounds[b], bounds[b + 1], bounds[b + 2], bounds[b + 3]);
      sums[1] += line.line[LineResult.ACTIVE];
      if (fit.ok) sums[0] += fit.result[RunoutResult.PEAK_TO_PEAK];
    }
  };
  all();
  const passes = mode === "fresh" ? CONTROL_PASSES : PASSES;
  console.log(`fitting ${passes * s.revs.length} revolutions, line active in ${sums[1]} of the warm-up's ${s.revs.length}`);
  return () => {
    for (let p = 0; p < passes; p++) all();
    if (!(sums[0] > 0)) throw new Error("no fits");
  };
}
