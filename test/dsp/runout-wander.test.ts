// Runout wander: the change of the fitted 1st-order phasor between consecutive revolutions.
import { describe, expect, it } from "vitest";
import { RunoutFit } from "../../src/dsp/runout.ts";
import { RunoutWander, WanderResult } from "../../src/dsp/runout-wander.ts";
import { gaussian, mulberry32, sampleRevolution, type Shape } from "./support/revolutions.ts";

/** Median order-1 wander over 30 consecutive revolutions whose 1st order moves by `stepUm` each time. */
function medianWander(stepUm: number, seed: number): { median: number; nan: number } {
  const rnd = mulberry32(seed);
  const g = gaussian(rnd);
  const fit = new RunoutFit({ orders: 6 });
  const wander = new RunoutWander(6);
  let c = 0;
  let s = 0;
  let start = 1e10;
  const ws: number[] = [];
  let nan = 0;
  for (let r = 0; r < 30; r++) {
    c += stepUm * g();
    s += stepUm * g();
    const shape: Shape = { amps: [Math.hypot(20 + c, s), 4, 1], phases: [-Math.atan2(s, 20 + c), 1, 2] };
    const rev = sampleRevolution(shape, 150, 0.4, rnd, start);
    fit.begin(rev.startUs, rev.periodUs);
    fit.add(rev.times, rev.raw, rev.flags, 1, 0, rev.times.length, 0.1);
    fit.finish();
    wander.update(fit, rev.startUs, rev.periodUs);
    const w = wander.result[WanderResult.ORDER1];
    if (Number.isNaN(w)) nan++;
    else ws.push(w);
    start += rev.periodUs;
  }
  ws.sort((a, b) => a - b);
  return { median: ws[ws.length >> 1], nan };
}

describe("RunoutWander", () => {
  it("is near the probe noise for a steady shape and follows a wandering 1st order", () => {
    const steady = medianWander(0, 1);
    expect(steady.nan).toBe(1); // the first revolution has nothing to compare with
    expect(steady.median).toBeLessThan(0.2);
    // A 2-D step of σ = 3 µm per component: |Δ| has median σ·√(2 ln 2) ≈ 3.5 µm.
    const loose = medianWander(3, 2);
    expect(loose.median).toBeGreaterThan(2.5);
    expect(loose.median).toBeLessThan(5);
  });

  it("is NaN across a gap, after reset(), or when a fit failed", () => {
    const rnd = mulberry32(3);
    const fit = new RunoutFit({ orders: 6 });
    const wander = new RunoutWander(6);
    const shape: Shape = { amps: [20, 3], phases: [0, 1] };
    const a = sampleRevolution(shape, 150, 0.4, rnd, 1e10);
    const b = sampleRevolution(shape, 150, 0.4, rnd, 1e10 + a.periodUs);
    const feed = (rev: typeof a, ok = true) => {
      fit.begin(rev.startUs, rev.periodUs);
      fit.add(rev.times, rev.raw, rev.flags, 1, 0, ok ? rev.times.length : 3, 0.1);
      fit.finish();
      wander.update(fit, rev.startUs, rev.periodUs);
      return wander.result[WanderResult.SHAPE];
    };
    feed(a);
    expect(feed(b)).toBeLessThan(0.3);
    expect(feed(a)).toBeNaN(); // starts before b ended: not contiguous
    wander.reset();
    expect(feed(b)).toBeNaN();
    const c = sampleRevolution(shape, 150, 0.4, rnd, 1e10 + 2 * a.periodUs);
    expect(feed(c, false)).toBeNaN();
  });
});
