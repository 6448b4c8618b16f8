// Rotation orders from the angle grid, per revolution and synchronously averaged over revolutions.
import { describe, expect, it } from "vitest";
import { AngleGrid } from "../../src/dsp/angle-grid.ts";
import { SyncAverage } from "../../src/dsp/sync-average.ts";
import { gaussian, mulberry32 } from "./support/revolutions.ts";

const TWO_PI = 2 * Math.PI;
const ORDERS: Record<number, [number, number]> = { 1: [0.2, 0.4], 2: [0.08, -1.2], 3: [0.05, 2.5], 5: [0.03, 0.1], 8: [0.04, -2.9] };

function synchronous(theta: number): number {
  let v = 0.97;
  for (const [k, [a, p]] of Object.entries(ORDERS)) v += a * Math.cos(Number(k) * theta + p);
  return v;
}

/** One revolution's samples: fraction of the revolution u = dt / period and values, at rateHz, first sample at phaseUs. */
function revolution(periodUs: number, rateHz: number, f: (dtUs: number, theta: number) => number, phaseUs = 123) {
  const step = 1e6 / rateHz;
  const n = Math.floor((periodUs - phaseUs) / step) + 1;
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dt = phaseUs + i * step;
    u[i] = dt / periodUs;
    v[i] = f(dt, TWO_PI * u[i]);
  }
  return { u, v, n };
}

function amplitudesOf(g: AngleGrid, grid: Float64Array): Float64Array {
  const ph = new Float64Array(2 * g.orders + 1);
  const amps = new Float64Array(g.orders);
  g.phasors(grid, ph);
  g.amplitudes(ph, amps, 0);
  return amps;
}

describe("AngleGrid", () => {
  it("reads each order's amplitude (and the mean) at any rpm, within 1 %", () => {
    const g = new AngleGrid({ orders: 8, bins: 256 });
    const grid = new Float64Array(256);
    const ph = new Float64Array(17);
    for (const rpm of [60, 120, 150, 170, 400]) {
      const period = 60e6 / rpm;
      const r = revolution(period, 3200, (_, th) => synchronous(th));
      expect(g.fill(r.u, r.v, r.n, grid)).toBe(256);
      g.phasors(grid, ph);
      expect(ph[0]).toBeCloseTo(0.97, 3);
      const amps = amplitudesOf(g, grid);
      for (let k = 1; k <= 8; k++) {
        const want = ORDERS[k]?.[0] ?? 0;
        expect(Math.abs(amps[k - 1] - want), `order ${k} at ${rpm} rpm`).toBeLessThan(0.01 * 0.2 + 0.01 * want);
      }
      // Phase too: a_1 = A cos p, b_1 = −A sin p for A cos(θ + p).
      expect(Math.atan2(-ph[2], ph[1])).toBeCloseTo(0.4, 2);
    }
  });

  it("fills empty bins at a low sample rate (400 Hz: 160 samples over 256 bins) and excluded samples", () => {
    const g = new AngleGrid({ orders: 8, bins: 256 });
    const grid = new Float64Array(256);
    const period = 60e6 / 150;
    const r = revolution(period, 400, (_, th) => synchronous(th));
    for (let i = 0; i < r.n; i += 7) r.v[i] = Number.NaN;
    const filled = g.fill(r.u, r.v, r.n, grid);
    expect(filled).toBeLessThan(160);
    expect(grid.every((x) => Number.isFinite(x))).toBe(true);
    const amps = amplitudesOf(g, grid);
    for (let k = 1; k <= 8; k++) expect(Math.abs(amps[k - 1] - (ORDERS[k]?.[0] ?? 0)), `order ${k}`).toBeLessThan(0.004);
  });

  it("marks a revolution with too few samples unusable (all NaN)", () => {
    const g = new AngleGrid({ orders: 8, bins: 256 });
    const grid = new Float64Array(256);
    const r = revolution(400_000, 3200, () => 1);
    const filled = g.fill(r.u, r.v, 40, grid);
    expect(filled).toBeLessThan(g.minFilled);
    expect(grid.every((x) => Number.isNaN(x))).toBe(true);
  });

  it("rejects bad options with the reason", () => {
    expect(() => new AngleGrid({ orders: 0 })).toThrow(/orders/);
    expect(() => new AngleGrid({ orders: 8, bins: 20 })).toThrow(/bins/);
  });
});

describe("SyncAverage", () => {
  it("recovers an order under noise 10× its amplitude, over revolutions of changing rpm; one revolution cannot", () => {
    const g = new AngleGrid({ orders: 8, bins: 256 });
    const tsa = new SyncAverage(g);
    const grid = new Float64Array(256);
    const rnd = mulberry32(21);
    const noise = gaussian(rnd);
    const A = 0.05;
    const perRevError: number[] = [];
    let tS = 0;
    for (let r = 0; r < 300; r++) {
      const rpm = 150 * (1 + 0.08 * Math.sin(r / 9)); // ±8 % rpm between revolutions
      const period = 60e6 / rpm;
      const t0 = tS;
      // order 3 (synchronous) + Gaussian noise σ = 0.5 g + a non-synchronous 17 Hz tone of 0.3 g
      const rev = revolution(period, 3200, (dt, th) => 1 + A * Math.cos(3 * th + 1) + 0.5 * noise() + 0.3 * Math.sin(TWO_PI * 17 * (t0 + dt / 1e6)));
      tS += period / 1e6;
      g.fill(rev.u, rev.v, rev.n, grid);
      perRevError.push(Math.abs(amplitudesOf(g, grid)[2] - A) / A);
      expect(tsa.add(grid)).toBe(true);
    }
    expect(tsa.finish()).toBe(true);
    expect(tsa.revolutions).toBe(300);
    const err = Math.abs(tsa.amplitudes[2] - A) / A;
    expect(err).toBeLessThan(0.1);
    perRevError.sort((a, b) => a - b);
    expect(perRevError[150]).toBeGreaterThan(3 * err); // median single-revolution error
    expect(perRevError[150]).toBeGreaterThan(0.15);
    // The 17 Hz tone (6.3–7.4 orders as the rpm changes, 0.3 g) averages down to under a tenth.
    for (let k = 1; k <= 8; k++) if (k !== 3) expect(tsa.amplitudes[k - 1], `order ${k}`).toBeLessThan(0.03);
  });

  it("skips an unusable (NaN) grid and is NaN with no revolution", () => {
    const g = new AngleGrid({ orders: 4, bins: 64 });
    const tsa = new SyncAverage(g);
    expect(tsa.add(new Float64Array(64).fill(Number.NaN))).toBe(false);
    expect(tsa.finish()).toBe(false);
    expect(tsa.amplitudes.every((x) => Number.isNaN(x))).toBe(true);
  });
});
