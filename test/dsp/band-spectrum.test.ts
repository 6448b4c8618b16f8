// Band powers from the Hann-windowed FFT: sinusoids of known amplitude read A²/2 in their band,
// noise reads its variance spread over the bands, order-unit bands follow the rpm.
import { describe, expect, it } from "vitest";
import { BandSpectrum, SpectrumInput, type Band } from "../../src/dsp/band-spectrum.ts";
import { gaussian, mulberry32 } from "./support/revolutions.ts";

const TWO_PI = 2 * Math.PI;
const BANDS: Band[] = [
  { name: "low", lo: 0, hi: 20 },
  { name: "orders", lo: 0.5, hi: 8.5, unit: "order" },
  { name: "mid", lo: 100, hi: 500 },
  { name: "chatter", lo: 500, hi: 1500 },
];

function measure(spec: BandSpectrum, values: Float64Array, rateHz: number, revHz: number, mean = 0): Float64Array {
  const out = new Float64Array(spec.bands.length);
  spec.measure(values, values.length, Float64Array.of(rateHz, revHz, mean), out, 0);
  return out;
}

describe("BandSpectrum", () => {
  it("reads A²/2 for sinusoids inside bands (within 3 %), on a revolution of 1280 samples (2 frames)", () => {
    const spec = new BandSpectrum({ bands: BANDS });
    const n = 1280;
    const v = Float64Array.from({ length: n }, (_, i) => {
      const t = i / 3200;
      return 1.0 + 0.3 * Math.sin(TWO_PI * 237.1 * t) + 0.2 * Math.sin(TWO_PI * 1013.7 * t + 1) + 0.1 * Math.sin(TWO_PI * 9.4 * t);
    });
    const out = measure(spec, v, 3200, 2.5, 1.0);
    expect(spec.frames).toBe(2);
    expect(out[2] / (0.3 ** 2 / 2)).toBeGreaterThan(0.97);
    expect(out[2] / (0.3 ** 2 / 2)).toBeLessThan(1.03);
    expect(out[3] / (0.2 ** 2 / 2)).toBeGreaterThan(0.97);
    expect(out[3] / (0.2 ** 2 / 2)).toBeLessThan(1.03);
    // 9.4 Hz over 0.4 s: less than 4 cycles per frame, so leakage is wider; 10 %.
    expect(Math.abs(out[0] / (0.1 ** 2 / 2) - 1)).toBeLessThan(0.1);
  });

  it("spreads white noise by bandwidth: bins add up to the variance (Parseval)", () => {
    const spec = new BandSpectrum({ bands: [{ name: "all", lo: 0, hi: 1601 }, { name: "half", lo: 800, hi: 1600 }] });
    const g = gaussian(mulberry32(4));
    const v = Float64Array.from({ length: 6400 }, () => 0.1 * g());
    const out = measure(spec, v, 3200, 2.5);
    expect(spec.frames).toBe(12);
    expect(out[0] / 0.01).toBeGreaterThan(0.9);
    expect(out[0] / 0.01).toBeLessThan(1.1);
    expect(out[1] / out[0]).toBeGreaterThan(0.45);
    expect(out[1] / out[0]).toBeLessThan(0.55);
  });

  it("moves an order band with rpm: the 4th order is in it at 150 rpm, a fixed 40 Hz tone is not", () => {
    const spec = new BandSpectrum({ bands: BANDS });
    const revHz = 2.5;
    const v = Float64Array.from({ length: 1280 }, (_, i) => 0.1 * Math.sin(TWO_PI * 4 * revHz * (i / 3200)));
    expect(measure(spec, v, 3200, revHz)[1] / 0.005).toBeGreaterThan(0.9);
    const w = Float64Array.from({ length: 1280 }, (_, i) => 0.1 * Math.sin(TWO_PI * 40 * (i / 3200)));
    expect(measure(spec, w, 3200, revHz)[1]).toBeLessThan(0.0001);
  });

  it("zero-pads a short revolution (400 Hz board) and treats excluded samples as the mean", () => {
    const spec = new BandSpectrum({ bands: [{ name: "mid", lo: 100, hi: 200 }] });
    const v = Float64Array.from({ length: 160 }, (_, i) => 2 + 0.3 * Math.sin(TWO_PI * 151.3 * (i / 400)));
    const clean = measure(spec, v, 400, 2.5, 2)[0];
    expect(spec.frames).toBe(1);
    expect(Math.abs(clean / 0.045 - 1)).toBeLessThan(0.05);
    v[37] = Number.NaN;
    v[90] = Number.NaN;
    const holes = measure(spec, v, 400, 2.5, 2)[0];
    expect(Math.abs(holes / clean - 1)).toBeLessThan(0.05);
    expect(Number.isFinite(holes)).toBe(true);
  });

  it("rejects a frame size that is not a power of two and a bad band", () => {
    expect(() => new BandSpectrum({ frameSize: 1000 })).toThrow(/power of two/);
    expect(() => new BandSpectrum({ bands: [{ name: "x y", lo: 0, hi: 1 }] })).toThrow(/name/);
    expect(() => new BandSpectrum({ bands: [{ name: "x", lo: 5, hi: 1 }] })).toThrow(/lo < hi/);
  });
});
