// The per-revolution assembler: layout, statistics against a direct computation, orders and bands
// of known signals, saturated samples left out, ring input, sub-revolution vibration.
import { describe, expect, it } from "vitest";
import { AXIS_BASE, AxisSlot, FEATURE_NAMES, vibFeatureNames } from "../../src/dsp/vib-layout.ts";
import { VibFeatures } from "../../src/dsp/vib-features.ts";
import { axisMoments, Moment, MOMENT_SLOTS } from "../../src/dsp/moments.ts";
import { gaussian, LSB_G, mulberry32, vibRevolution, vibRevolutions, type VibRevolution } from "./support/vib-signals.ts";

const TWO_PI = 2 * Math.PI;

function run(f: VibFeatures, r: VibRevolution): Float64Array {
  f.begin(r.startUs, r.periodUs);
  f.add(r.times, r.channels, r.saturation, 0, r.times.length);
  f.finish();
  return Float64Array.from(f.features);
}

const get = (f: VibFeatures, v: Float64Array, name: string) => {
  const i = f.index(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return v[i];
};

describe("VibFeatures layout", () => {
  it("exports the default names: 3 + 3 × 18 slots, one block per axis", () => {
    expect(FEATURE_NAMES.length).toBe(57);
    expect(FEATURE_NAMES.slice(0, 3)).toEqual(["rpm", "samples", "coverage"]);
    expect(FEATURE_NAMES[AXIS_BASE + 18 + AxisSlot.RMS]).toBe("y_rms_g");
    expect(FEATURE_NAMES).toContain("z_order8_g");
    expect(FEATURE_NAMES).toContain("x_band_chatter_g2");
    expect(FEATURE_NAMES[56]).toBe("z_subrev_g2");
    expect(new Set(FEATURE_NAMES).size).toBe(57);
    const f = new VibFeatures();
    expect(f.names).toEqual(FEATURE_NAMES);
    expect(f.features.length).toBe(57);
    const custom = new VibFeatures({ orders: 4, bands: [{ name: "hi", lo: 200, hi: 1600 }] });
    expect(custom.names).toEqual(vibFeatureNames(4, [{ name: "hi", lo: 200, hi: 1600 }]));
    expect(custom.features.length).toBe(3 + 3 * 11);
  });
});

describe("VibFeatures on synthetic revolutions", () => {
  const g = gaussian(mulberry32(17));
  // x: gravity + order 2; y: a 300 Hz tone; z: order 5 + a 1000 Hz tone; all with a little noise.
  const signal = (tS: number, th: number, a: number) =>
    a === 0 ? 0.98 + 0.1 * Math.cos(2 * th + 0.5) + 0.01 * g()
    : a === 1 ? 0.2 * Math.sin(TWO_PI * 300 * tS) + 0.01 * g()
    : 0.05 * Math.cos(5 * th - 1) + 0.1 * Math.sin(TWO_PI * 1000 * tS) + 0.01 * g();

  it("gives rpm, counts, statistics equal to a direct computation, orders and band powers", () => {
    const f = new VibFeatures();
    const r = vibRevolution(signal, 60e6 / 150);
    const v = run(f, r);
    expect(get(f, v, "rpm")).toBeCloseTo(150, 9);
    expect(get(f, v, "samples")).toBe(1280);
    expect(get(f, v, "coverage")).toBeCloseTo(1, 9);
    const m = new Float64Array(MOMENT_SLOTS);
    ["x", "y", "z"].forEach((axis, a) => {
      axisMoments(Float64Array.from(r.channels[a], (raw) => raw * LSB_G), r.times.length, m, 0);
      expect(get(f, v, `${axis}_mean_g`)).toBeCloseTo(m[Moment.MEAN], 12);
      expect(get(f, v, `${axis}_rms_g`)).toBeCloseTo(m[Moment.RMS], 12);
      expect(get(f, v, `${axis}_crest`)).toBeCloseTo(m[Moment.CREST], 10);
      expect(get(f, v, `${axis}_kurtosis`)).toBeCloseTo(m[Moment.KURTOSIS], 10);
      expect(get(f, v, `${axis}_saturated`)).toBe(0);
    });
    expect(Math.abs(get(f, v, "x_order2_g") - 0.1)).toBeLessThan(0.003);
    expect(Math.abs(get(f, v, "z_order5_g") - 0.05)).toBeLessThan(0.003);
    expect(get(f, v, "x_order1_g")).toBeLessThan(0.003);
    expect(get(f, v, "y_order2_g")).toBeLessThan(0.01);
    expect(Math.abs(get(f, v, "y_band_mid_g2") / 0.02 - 1)).toBeLessThan(0.05);
    expect(Math.abs(get(f, v, "z_band_chatter_g2") / 0.005 - 1)).toBeLessThan(0.05);
    expect(get(f, v, "y_band_chatter_g2")).toBeLessThan(0.0005);
    expect(Math.abs(get(f, v, "x_band_orders_g2") / 0.005 - 1)).toBeLessThan(0.1);
  });

  it("leaves saturated samples out of their own axis only, and counts them", () => {
    const f = new VibFeatures();
    const r = vibRevolution(signal, 60e6 / 150);
    const clean = run(f, r);
    const kept: number[] = [];
    for (let i = 0; i < r.times.length; i++) {
      if (i % 50 === 3) {
        r.channels[0][i] = i % 100 === 3 ? 32767 : -32768;
        r.saturation[i] |= 1;
      } else kept.push(r.channels[0][i] * LSB_G);
    }
    const v = run(f, r);
    expect(get(f, v, "x_saturated")).toBe(r.times.length - kept.length);
    expect(get(f, v, "y_saturated")).toBe(0);
    const m = new Float64Array(MOMENT_SLOTS);
    axisMoments(Float64Array.from(kept), kept.length, m, 0);
    expect(get(f, v, "x_rms_g")).toBeCloseTo(m[Moment.RMS], 12);
    expect(get(f, v, "x_kurtosis")).toBeCloseTo(m[Moment.KURTOSIS], 10);
    // ±16 g spikes would dominate every figure if they were used; left out, the figures barely move.
    expect(Math.abs(get(f, v, "x_rms_g") / get(f, clean, "x_rms_g") - 1)).toBeLessThan(0.05);
    expect(Math.abs(get(f, v, "x_order2_g") - 0.1)).toBeLessThan(0.004);
    for (const name of ["y_rms_g", "y_band_mid_g2", "z_order5_g"]) expect(get(f, v, name)).toBe(get(f, clean, name));
  });

  it("reads the same from a wrapped ring with neighbouring samples as from plain arrays", () => {
    const f = new VibFeatures();
    const revs = vibRevolutions(signal, [400_000, 410_000, 395_000]);
    const plain = run(f, revs[1]);
    const cap = 3000;
    const times = new Float64Array(cap);
    const ch = [new Int16Array(cap), new Int16Array(cap), new Int16Array(cap)];
    const sat = new Uint8Array(cap);
    let written = 700; // sample numbers start at 700: the ring wraps inside revolution 1 (1980..3291)
    const firstOfRev1 = written + revs[0].times.length;
    for (const r of revs) {
      for (let i = 0; i < r.times.length; i++, written++) {
        const s = written % cap;
        times[s] = r.times[i];
        for (let a = 0; a < 3; a++) ch[a][s] = r.channels[a][i];
        sat[s] = r.saturation[i];
      }
    }
    f.breakContinuity();
    f.begin(revs[1].startUs, revs[1].periodUs);
    expect(firstOfRev1 - 200).toBeGreaterThanOrEqual(written - cap); // still held by the ring
    f.add(times, ch, sat, firstOfRev1 - 200, written); // a range wider than the revolution
    f.finish();
    expect(f.excluded).toBe(written - (firstOfRev1 - 200) - revs[1].times.length);
    for (let i = 0; i < plain.length; i++) if (!FEATURE_NAMES[i].endsWith("subrev_g2")) expect(f.features[i], FEATURE_NAMES[i]).toBe(plain[i]);
  });

  it("keeps orders steady when the rpm changes from revolution to revolution", () => {
    const f = new VibFeatures();
    const periods = [60e6 / 120, 60e6 / 135, 60e6 / 150, 60e6 / 170, 60e6 / 128];
    for (const r of vibRevolutions(signal, periods)) {
      const v = run(f, r);
      expect(get(f, v, "rpm")).toBeCloseTo(60e6 / r.periodUs, 6);
      expect(Math.abs(get(f, v, "x_order2_g") - 0.1)).toBeLessThan(0.003);
      expect(Math.abs(get(f, v, "z_order5_g") - 0.05)).toBeLessThan(0.003);
      expect(get(f, v, "coverage")).toBeGreaterThan(0.99);
    }
  });

  it("measures sub-revolution vibration across revolutions: A²/2 at 0.5× rpm, ~0 when synchronous", () => {
    const A = 0.05;
    const periods = Array.from({ length: 12 }, (_, i) => 400_000 * (1 + 0.01 * Math.sin(i)));
    // x: half the rotation frequency (slowly varying rpm: integrate the phase); y: order 1, same amplitude.
    const marks = [0];
    for (const p of periods) marks.push(marks[marks.length - 1] + p / 1e6);
    const revAngle = (tS: number) => {
      let r = 0;
      while (r < periods.length - 1 && tS >= marks[r + 1]) r++;
      return r + (tS - marks[r]) / (periods[r] / 1e6);
    };
    const signal = (tS: number, th: number, a: number) => (a === 0 ? 1 + A * Math.cos(Math.PI * revAngle(tS) + 0.7) : a === 1 ? A * Math.cos(th) : 0);
    const f = new VibFeatures();
    const revs = vibRevolutions(signal, periods);
    const xs: number[] = [];
    revs.forEach((r, i) => {
      const v = run(f, r);
      if (i === 0) expect(get(f, v, "x_subrev_g2")).toBeNaN();
      else {
        xs.push(get(f, v, "x_subrev_g2"));
        expect(get(f, v, "y_subrev_g2")).toBeLessThan(0.02 * (A * A) / 2);
      }
    });
    for (const x of xs) expect(x / ((A * A) / 2)).toBeGreaterThan(0.9);
    for (const x of xs) expect(x / ((A * A) / 2)).toBeLessThan(1.1);
    // Not contiguous (a revolution skipped), or continuity broken: NaN.
    run(f, revs[3]);
    expect(get(f, run(f, revs[5]), "x_subrev_g2")).toBeNaN();
    f.breakContinuity();
    expect(get(f, run(f, revs[6]), "x_subrev_g2")).toBeNaN();
    expect(get(f, run(f, revs[7]), "x_subrev_g2")).toBeGreaterThan(0.9 * (A * A) / 2);
  });

  it("returns false for an empty or invalid revolution and caps the samples it buffers", () => {
    const f = new VibFeatures({ maxSamples: 1000 });
    const r = vibRevolution(signal, 400_000);
    f.begin(r.startUs, 0);
    f.add(r.times, r.channels, r.saturation, 0, r.times.length);
    expect(f.finish()).toBe(false);
    expect(f.features[0]).toBeNaN();
    f.begin(r.startUs + 1e9, 400_000);
    f.add(r.times, r.channels, r.saturation, 0, r.times.length);
    expect(f.finish()).toBe(false);
    expect(f.excluded).toBe(r.times.length);
    f.begin(r.startUs, 400_000);
    f.add(r.times, r.channels, null, 0, r.times.length);
    expect(f.finish()).toBe(true);
    expect(f.samples).toBe(1000);
    expect(f.overflow).toBe(280);
    expect(() => f.setBoard(0, 0.0039)).toThrow(/rateHz/);
  });
});
