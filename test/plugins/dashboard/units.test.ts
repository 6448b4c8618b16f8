// The dashboard's own computations: the drawn runout shape, the spectrum, the verdict.
import { describe, expect, it } from "vitest";
import { PROFILE_BINS, RunRing, SpectrumBuffer } from "../../../plugins/dashboard/signal-buffers.ts";
import { verdict } from "../../../plugins/dashboard/verdict.ts";
import { limitsSchema } from "../../../plugins/dashboard/config.ts";

describe("RunRing.profile", () => {
  it("bins one revolution by angle from its INDEX, in µm about its mean", () => {
    const ring = new RunRing(4096);
    const start = 1_000_000, period = 400_000, lsb = 0.05; // 150 rpm, 0.05 µm per count
    // samples of the revolution before, this one (a 1st-order wobble of ±20 µm), and the next
    for (let t = start - period; t < start + 2 * period; t += 1000) {
      const inRev = t >= start && t < start + period;
      const um = inRev ? 100 + 20 * Math.cos((2 * Math.PI * (t - start)) / period) : 500;
      ring.push(t, um / lsb);
    }
    const p = ring.profile(start, period, lsb)!;
    expect(p).toHaveLength(PROFILE_BINS);
    // bin 0 holds angles 0..5°: mean of cos over it ≈ 20 · 0.9997; bin 36 (180°) ≈ −20
    expect(p[0]!).toBeCloseTo(20 * Math.cos((2.5 * Math.PI) / 180), 0);
    expect(p[36]!).toBeCloseTo(-20 * Math.cos((2.5 * Math.PI) / 180), 0);
    const mean = p.reduce((s, v) => s! + v!, 0)! / PROFILE_BINS;
    expect(Math.abs(mean)).toBeLessThan(1e-3);
  });

  it("is null when the revolution's samples have left the ring", () => {
    const ring = new RunRing(100);
    for (let t = 0; t < 1_000_000; t += 1000) ring.push(t, 1);
    expect(ring.profile(0, 400_000, 1)).toBeNull();
    expect(ring.profile(900_000, 100_000, 1)).not.toBeNull();
  });
});

describe("SpectrumBuffer", () => {
  it("puts a sinusoid's peak amplitude at its frequency", () => {
    const s = new SpectrumBuffer(1024);
    const rate = 3200, f = 250, amp = 0.02, lsb = 1e-4; // 0.02 g at 250 Hz, 0.1 mg per count
    expect(s.compute(lsb)).toBeNull();
    for (let i = 0; i < 1024; i++) s.push((1 + amp * Math.sin((2 * Math.PI * f * i) / rate)) / lsb);
    const a = s.compute(lsb)!;
    expect(a).toHaveLength(513);
    const k = a.indexOf(Math.max(...a));
    expect(k).toBe(Math.round((f * 1024) / rate)); // 80
    expect(a[k]).toBeGreaterThan(0.8 * amp); // Hann scalloping at worst −1.4 dB; f is on a bin here
    expect(a[k]).toBeLessThan(1.05 * amp);
    expect(a[0]).toBeLessThan(1e-6); // the mean (gravity) removed
  });
});

describe("verdict", () => {
  const limits = limitsSchema.parse({});
  const job = {
    status: "complete" as const, reason: null,
    measured: { rpm: 150, lroPreUm: 70, lroPostUm: 12 },
    labels: null, cutQuality: { lroPostUm: 12, raUm: null, source: "rule" as const, modelVersion: null },
    judder: { p: 0.99, flag: true, source: "rule" as const, modelVersion: null },
  };
  it("passes a complete job within the runout limit; unknown DTV and Ra are not judged", () => {
    const v = verdict(job, limits);
    expect(v.result).toBe("pass");
    expect(v.checks.map((c) => c.pass)).toEqual([true, null, null]);
  });
  it("fails on a measured value over its limit and says which", () => {
    const v = verdict({ ...job, labels: { judder: null, dtvUm: 22, raUm: null } }, limits);
    expect(v.result).toBe("fail");
    expect(v.reasons).toEqual(["thickness variation (DTV) 22.0 µm over the limit 15 µm"]);
    expect(verdict({ ...job, measured: { ...job.measured, lroPostUm: 51 } }, limits).result).toBe("fail");
  });
  it("is incomplete when interrupted or without runout after the cut", () => {
    expect(verdict({ ...job, status: "interrupted", reason: "abort" }, limits).reasons).toEqual(["interrupted: abort"]);
    expect(verdict({ ...job, measured: { ...job.measured, lroPostUm: null } }, limits).result).toBe("incomplete");
  });
});
