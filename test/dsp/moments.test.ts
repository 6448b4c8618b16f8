import { describe, expect, it } from "vitest";
import { axisMoments, Moment, MOMENT_SLOTS } from "../../src/dsp/moments.ts";
import { gaussian, mulberry32 } from "./support/revolutions.ts";

/** The textbook formulas, on a plain array without the NaNs. */
function direct(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const m2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const m4 = xs.reduce((s, x) => s + (x - mean) ** 4, 0) / n;
  const peak = Math.max(...xs.map((x) => Math.abs(x - mean)));
  return { mean, rms: Math.sqrt(m2), crest: peak / Math.sqrt(m2), kurtosis: m4 / (m2 * m2) };
}

describe("axisMoments", () => {
  it("matches a direct computation, skipping NaN (excluded) samples", () => {
    const rnd = mulberry32(11);
    const g = gaussian(rnd);
    const n = 1500;
    const values = new Float64Array(n);
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = 0.98 + 0.05 * g() + (rnd() < 0.01 ? 0.6 * g() : 0);
      if (rnd() < 0.05) values[i] = Number.NaN;
      else {
        values[i] = v;
        kept.push(v);
      }
    }
    const out = new Float64Array(MOMENT_SLOTS + 2);
    axisMoments(values, n, out, 2);
    const d = direct(kept);
    expect(out[2 + Moment.USED]).toBe(kept.length);
    expect(out[2 + Moment.MEAN]).toBeCloseTo(d.mean, 12);
    expect(out[2 + Moment.RMS]).toBeCloseTo(d.rms, 12);
    expect(out[2 + Moment.CREST]).toBeCloseTo(d.crest, 10);
    expect(out[2 + Moment.KURTOSIS]).toBeCloseTo(d.kurtosis, 10);
    expect(d.kurtosis).toBeGreaterThan(4); // the impulses make it heavy-tailed
  });

  it("is plain kurtosis: 3 for Gaussian noise, 1.5 for a sinusoid (crest √2)", () => {
    const g = gaussian(mulberry32(3));
    const n = 200_000;
    const noise = Float64Array.from({ length: n }, () => g());
    const sine = Float64Array.from({ length: 3200 }, (_, i) => 2 + Math.sin((2 * Math.PI * 5 * i) / 3200));
    const out = new Float64Array(MOMENT_SLOTS);
    axisMoments(noise, n, out, 0);
    expect(out[Moment.KURTOSIS]).toBeCloseTo(3, 1);
    axisMoments(sine, sine.length, out, 0);
    expect(out[Moment.MEAN]).toBeCloseTo(2, 10);
    expect(out[Moment.RMS]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(out[Moment.KURTOSIS]).toBeCloseTo(1.5, 6);
    expect(out[Moment.CREST]).toBeCloseTo(Math.SQRT2, 6);
  });

  it("gives NaN statistics for fewer than 2 samples or no spread", () => {
    const out = new Float64Array(MOMENT_SLOTS);
    axisMoments(Float64Array.of(Number.NaN, 1.5, Number.NaN), 3, out, 0);
    expect(out[Moment.USED]).toBe(1);
    expect(out[Moment.MEAN]).toBe(1.5);
    expect(out[Moment.RMS]).toBeNaN();
    axisMoments(Float64Array.of(2, 2, 2), 3, out, 0);
    expect(out[Moment.RMS]).toBe(0);
    expect(out[Moment.CREST]).toBeNaN();
    expect(out[Moment.KURTOSIS]).toBeNaN();
  });
});
