// The runout path with a probe line, as the revolution assembler runs it in measure and check: a
// plain RunoutFit, NonSyncLine given that fit, and the fit again without the line when one is active.
import { LineResult, type NonSyncLine } from "../../../src/dsp/nonsync-line.ts";
import type { RunoutFit } from "../../../src/dsp/runout.ts";

export function lineThenFit(line: NonSyncLine, fit: RunoutFit, times: Float64Array, values: Float64Array, startUs: number, periodUs: number, from: number, to: number): void {
  fit.begin(startUs, periodUs);
  fit.add(times, values, null, 0, from, to, 1);
  fit.finish();
  line.begin(startUs, periodUs);
  line.add(times, values, null, 0, from, to, 1);
  line.finish(fit, true);
  if (line.line[LineResult.ACTIVE] !== 1) return;
  fit.begin(startUs, periodUs);
  fit.setLine(line.line);
  fit.add(times, values, null, 0, from, to, 1);
  fit.finish();
}
