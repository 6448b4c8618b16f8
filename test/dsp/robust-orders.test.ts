// RobustOrders: a short synchronous pulse (a hard spot's impulse) does not read as low orders.
import { describe, expect, it } from "vitest";
import { AngleGrid } from "../../src/dsp/angle-grid.ts";
import { RobustOrders } from "../../src/dsp/robust-orders.ts";
import { mulberry32 } from "../support/mulberry32.ts";

const G = 256;

/** A grid: mean + orders 1..4 (given c, s) + noise + optionally a decaying 300 Hz-like pulse at bin `at`. */
function grid(coef: number[], noise: number, rnd: () => number, pulse: { at: number; size: number } | null): Float64Array {
  const g = new Float64Array(G);
  for (let b = 0; b < G; b++) {
    const th = ((b + 0.5) * 2 * Math.PI) / G;
    let v = coef[0];
    for (let k = 1; k <= 4; k++) v += coef[2 * k - 1] * Math.cos(k * th) + coef[2 * k] * Math.sin(k * th);
    g[b] = v + noise * (rnd() - 0.5);
  }
  if (pulse) for (let j = 0; j < 8; j++) g[(pulse.at + j) % G] += pulse.size * Math.exp(-j / 2.5) * (j % 2 === 0 ? 1 : 0.4);
  return g;
}

describe("RobustOrders", () => {
  const coef = [0.2, 0.01, -0.006, 0.004, 0.002, -0.001, 0.0015, 0.0005, -0.0008];
  const ag = new AngleGrid({ bins: G, orders: 8 });
  const ph = new Float64Array(17);

  it("a pulse at one angle biases the plain phasors; the robust fit recovers the profile's orders", () => {
    const rnd = mulberry32(2);
    const ro = new RobustOrders({ bins: G, orders: 4 });
    const g = grid(coef, 0.01, rnd, { at: 77, size: 1.2 });
    ag.phasors(g, ph);
    const plainErr = Math.hypot(ph[1] - coef[1], ph[2] - coef[2], ph[3] - coef[3], ph[4] - coef[4]);
    ro.fit(g, ph);
    const robustErr = Math.hypot(ro.out[1] - coef[1], ro.out[2] - coef[2], ro.out[3] - coef[3], ro.out[4] - coef[4]);
    expect(plainErr).toBeGreaterThan(0.01);
    expect(robustErr).toBeLessThan(0.15 * plainErr);
    expect(ro.excluded).toBeGreaterThanOrEqual(5);
    expect(ro.excluded).toBeLessThan(24);
  });

  it("without a pulse the plain phasors are kept as they are", () => {
    const rnd = mulberry32(3);
    const ro = new RobustOrders({ bins: G, orders: 4 });
    const g = grid(coef, 0.01, rnd, null);
    ag.phasors(g, ph);
    ro.fit(g, ph);
    expect(ro.excluded).toBe(0);
    expect(Array.from(ro.out)).toEqual(Array.from(ph.subarray(0, 9)));
  });

  it("an unusable grid (NaN phasors) gives NaN", () => {
    const ro = new RobustOrders();
    ro.fit(new Float64Array(G).fill(Number.NaN), new Float64Array(17).fill(Number.NaN));
    expect(ro.out[1]).toBeNaN();
    expect(() => new RobustOrders({ bins: 16, orders: 4 })).toThrow(/bins/);
  });
});
