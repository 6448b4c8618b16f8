// OrderCoherence: the per-car gain from the axial response coherent with the probe's runout, the
// thickness profile from the tangential response ÷ that gain, the measure baseline removed.
// Synthetic phasors with gains that are NOT the simulator's (so nothing there is hard-coded).
import { describe, expect, it } from "vitest";
import { CoherenceResult, OrderCoherence } from "../../src/dsp/order-coherence.ts";
import { mulberry32 } from "../support/mulberry32.ts";

const N = 4;
const STRIDE = 2 * N;

/** Peak-to-peak of Σ c_k cos kθ + s_k sin kθ on a fine grid. */
function p2p(h: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let g = 0; g < 3600; g++) {
    const th = (2 * Math.PI * g) / 3600;
    let v = 0;
    for (let k = 1; k <= N; k++) v += h[2 * k - 2] * Math.cos(k * th) + h[2 * k - 1] * Math.sin(k * th);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

interface Car {
  R: Float64Array;
  T: Float64Array;
  gain: number;
  /** Axis loadings of runout and thickness (x, y, z). */
  runoutLoad: [number, number, number];
  thickLoad: [number, number, number];
  imbalance: Float64Array[];
}

function car(rnd: () => number, gain: number, thick = 1): Car {
  const R = new Float64Array(STRIDE);
  const T = new Float64Array(STRIDE);
  for (let k = 1; k <= N; k++) {
    const a = (30 / k ** 2) * (0.5 + rnd());
    const b = ((8 * thick) / k) * (0.5 + rnd());
    const pa = 2 * Math.PI * rnd();
    const pb = 2 * Math.PI * rnd();
    R.set([a * Math.cos(pa), a * Math.sin(pa)], 2 * k - 2);
    T.set([b * Math.cos(pb), b * Math.sin(pb)], 2 * k - 2);
  }
  const imbalance = [0, 1, 2].map(() => Float64Array.from({ length: STRIDE }, () => 0.01 * (rnd() - 0.5)));
  return { R, T, gain, runoutLoad: [0.1, 0, 1.3], thickLoad: [0.2, 0.8, -0.3], imbalance };
}

/** A features.revs-like row: probe at 0, axes at STRIDE, 2·STRIDE, 3·STRIDE. */
function row(c: Car, cutting: boolean, noise: number, rnd: () => number): Float64Array {
  const r = new Float64Array(4 * STRIDE);
  for (let i = 0; i < STRIDE; i++) r[i] = c.R[i] + 0.02 * (rnd() - 0.5);
  for (let a = 0; a < 3; a++) {
    for (let i = 0; i < STRIDE; i++) {
      const cut = cutting ? c.gain * (c.runoutLoad[a] * c.R[i] + c.thickLoad[a] * c.T[i]) : 0;
      r[STRIDE * (1 + a) + i] = c.imbalance[a][i] + cut + noise * (rnd() - 0.5);
    }
  }
  return r;
}

function analyse(c: Car, noise: number, rnd: () => number, co = new OrderCoherence(N)): OrderCoherence {
  co.reset();
  for (let k = 0; k < 4; k++) {
    const m = row(c, false, noise, rnd);
    co.addReference(m, 0);
    co.addBaseline(m, STRIDE, STRIDE);
  }
  for (let k = 0; k < 20; k++) co.addResponse(row(c, true, noise, rnd), STRIDE, STRIDE);
  expect(co.finish()).toBe(true);
  return co;
}

describe("OrderCoherence", () => {
  it("recovers the per-car gain and the thickness profile's peak-to-peak (up to the tangential loading), baseline removed", () => {
    const rnd = mulberry32(3);
    for (const gain of [0.0007, 0.0012, 0.002]) {
      const c = car(rnd, gain);
      const r = analyse(c, 0, rnd).result;
      // Axial = gain·(1.3 R − 0.3 T), tangential = 0.8·gain·T: α = 1.3 gain, γ = −0.3 / 0.8.
      expect(r[CoherenceResult.GAIN] / (1.3 * gain)).toBeCloseTo(1, 2);
      expect(r[CoherenceResult.AXIAL_THICK]).toBeCloseTo(-0.375, 2);
      expect(r[CoherenceResult.DTV] / ((0.8 / 1.3) * p2p(c.T))).toBeCloseTo(1, 2);
      expect(r[CoherenceResult.TANGENTIAL_P2P] / (0.8 * gain * p2p(c.T))).toBeCloseTo(1, 2);
      expect(r[CoherenceResult.RADIAL_RUNOUT]).toBeCloseTo(0.1 / 1.3, 2);
      expect(r[CoherenceResult.RADIAL_THICK]).toBeCloseTo(0.25, 2);
      expect(r[CoherenceResult.AXIAL_RESIDUAL]).toBeLessThan(1e-4);
      expect(Math.abs(r[CoherenceResult.GAIN_QUAD])).toBeLessThan(1e-3);
      expect(r[CoherenceResult.RATIO1 + 2 * 1]).toBeCloseTo(0.8 * gain * (c.R[0] * c.T[0] + c.R[1] * c.T[1]) / (c.R[0] ** 2 + c.R[1] ** 2), 6);
    }
  });

  it("the DTV estimate ranks cars by thickness variation whatever their gain, with vibration noise", () => {
    const rnd = mulberry32(9);
    const est: number[] = [];
    const raw: number[] = [];
    const truth: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Gains over a factor 3, thickness variation over a factor 10.
      const c = car(rnd, 0.0006 + 0.0012 * rnd(), 0.2 + 1.8 * rnd());
      const r = analyse(c, 0.004, rnd).result;
      est.push(r[CoherenceResult.DTV]);
      raw.push(r[CoherenceResult.TANGENTIAL_P2P]);
      truth.push(p2p(c.T));
    }
    const concordance = (xs: number[]) => {
      let concordant = 0;
      let pairs = 0;
      for (let i = 0; i < xs.length; i++) {
        for (let j = i + 1; j < xs.length; j++) {
          pairs++;
          if ((xs[i] - xs[j]) * (truth[i] - truth[j]) > 0) concordant++;
        }
      }
      return concordant / pairs;
    };
    expect(concordance(est)).toBeGreaterThan(0.9);
    // The calibration is what helps: the raw tangential response mixes in the car's gain.
    expect(concordance(est)).toBeGreaterThan(concordance(raw) + 0.03);
  });

  it("GAIN_SE measures how far the gain can be trusted: it covers the actual error and grows as the runout shrinks", () => {
    const rnd = mulberry32(8);
    const errs: number[] = [];
    const ses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const c = car(rnd, 0.001);
      const r = analyse(c, 0.01, rnd).result;
      errs.push(Math.abs(r[CoherenceResult.GAIN] / 1.3 - 0.001) * 1.3);
      ses.push(r[CoherenceResult.GAIN_SE]);
    }
    // Most errors within 2.5 standard errors, and the SE is not inflated (some errors beyond ½ SE).
    expect(errs.filter((e, i) => e <= 2.5 * ses[i]).length).toBeGreaterThanOrEqual(27);
    expect(errs.filter((e, i) => e > 0.5 * ses[i]).length).toBeGreaterThanOrEqual(5);
    const big = car(rnd, 0.001);
    const small = { ...big, R: big.R.map((v) => v / 10) };
    const seBig = analyse(big, 0.01, rnd).result[CoherenceResult.GAIN_SE];
    const seSmall = analyse(small, 0.01, rnd).result[CoherenceResult.GAIN_SE];
    expect(seSmall / seBig).toBeGreaterThan(5);
    expect(analyse(big, 0, rnd).result[CoherenceResult.GAIN_SE]).toBeLessThan(1e-9);
  });

  it("without the measure baseline the imbalance reads as thickness (why the baseline is subtracted)", () => {
    const rnd = mulberry32(4);
    const c = car(rnd, 0.001);
    c.imbalance[1][0] = 0.02;
    const co = new OrderCoherence(N);
    const good = analyse(c, 0, rnd, co).result[CoherenceResult.DTV];
    co.reset();
    for (let k = 0; k < 4; k++) co.addReference(row(c, false, 0, rnd), 0);
    for (let k = 0; k < 20; k++) co.addResponse(row(c, true, 0, rnd), STRIDE, STRIDE);
    co.finish();
    expect(good / ((0.8 / 1.3) * p2p(c.T))).toBeCloseTo(1, 2);
    expect(Math.abs(co.result[CoherenceResult.DTV] - good)).toBeGreaterThan(0.1 * good);
  });

  it("skips revolutions with NaN, and reports nothing without a reference or a response", () => {
    const rnd = mulberry32(5);
    const c = car(rnd, 0.001);
    const co = new OrderCoherence(N);
    const bad = row(c, true, 0, rnd);
    bad[STRIDE + 3] = Number.NaN;
    co.addResponse(bad, STRIDE, STRIDE);
    const probeBad = row(c, false, 0, rnd);
    probeBad[2] = Number.NaN;
    co.addReference(probeBad, 0);
    expect(co.finish()).toBe(false);
    expect(co.result[CoherenceResult.GAIN]).toBeNaN();
    expect(co.result[CoherenceResult.RESPONSE_REVS]).toBe(0);
    expect(co.result[CoherenceResult.REFERENCE_REVS]).toBe(0);
    co.addReference(row(c, false, 0, rnd), 0);
    expect(co.finish()).toBe(false);
    co.addResponse(row(c, true, 0, rnd), STRIDE, STRIDE);
    expect(co.finish()).toBe(true);
    expect(co.result[CoherenceResult.GAIN]).toBeGreaterThan(0);
  });

  it("refuses bad options", () => {
    expect(() => new OrderCoherence(0)).toThrow(/orders/);
    expect(() => new OrderCoherence(4, 10)).toThrow(/grid/);
  });
});
