import { describe, expect, it } from "vitest";
import { FeatureSummary, SUMMARY_STATS, SummaryStat, summaryNames } from "../../src/dsp/feature-summary.ts";
import { gaussian, mulberry32 } from "./support/revolutions.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function check(sum: FeatureSummary, i: number, xs: number[], medianOf: number[] = xs): void {
  const o = i * SUMMARY_STATS.length;
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  expect(sum.summary[o + SummaryStat.N]).toBe(n);
  expect(sum.summary[o + SummaryStat.MEAN]).toBeCloseTo(mean, 10);
  expect(sum.summary[o + SummaryStat.STD]).toBeCloseTo(std, 10);
  expect(sum.summary[o + SummaryStat.MIN]).toBe(Math.min(...xs));
  expect(sum.summary[o + SummaryStat.MAX]).toBe(Math.max(...xs));
  expect(sum.summary[o + SummaryStat.MEDIAN]).toBe(median(medianOf));
}

describe("FeatureSummary", () => {
  it("names every stat of every feature", () => {
    expect(summaryNames(["rpm", "x_rms_g"])).toEqual(["rpm.mean", "rpm.std", "rpm.min", "rpm.max", "rpm.median", "rpm.n", "x_rms_g.mean", "x_rms_g.std", "x_rms_g.min", "x_rms_g.max", "x_rms_g.median", "x_rms_g.n"]);
  });

  it("matches direct mean, std, min, max and median, odd and even counts, NaN skipped", () => {
    const rnd = mulberry32(8);
    const g = gaussian(rnd);
    for (const revs of [1, 2, 7, 20, 61]) {
      const sum = new FeatureSummary(["a", "b", "c"]);
      const cols: number[][] = [[], [], []];
      const vec = new Float64Array(3);
      for (let r = 0; r < revs; r++) {
        vec[0] = 150 + 3 * g();
        vec[1] = Math.exp(g()); // skewed
        vec[2] = rnd() < 0.3 ? Number.NaN : Math.round(4 * g()); // ties and gaps
        for (let i = 0; i < 3; i++) if (!Number.isNaN(vec[i])) cols[i].push(vec[i]);
        sum.add(vec);
      }
      sum.finish();
      check(sum, 0, cols[0]);
      check(sum, 1, cols[1]);
      if (cols[2].length > 0) check(sum, 2, cols[2]);
    }
  });

  it("takes the median over the last medianCapacity revolutions, the rest over all; reset() starts over", () => {
    const sum = new FeatureSummary(["v"], { medianCapacity: 8 });
    const xs: number[] = [];
    const vec = new Float64Array(1);
    for (let r = 0; r < 30; r++) {
      vec[0] = r < 22 ? r : 100 + r;
      xs.push(vec[0]);
      sum.add(vec);
    }
    sum.finish();
    check(sum, 0, xs, xs.slice(-8));
    sum.reset();
    sum.finish();
    expect(sum.summary[SummaryStat.N]).toBe(0);
    expect(sum.summary[SummaryStat.MEAN]).toBeNaN();
    expect(sum.summary[SummaryStat.MEDIAN]).toBeNaN();
  });

  it("refuses an empty name list and a bad capacity", () => {
    expect(() => new FeatureSummary([])).toThrow(/at least one/);
    expect(() => new FeatureSummary(["a"], { medianCapacity: 0 })).toThrow(/medianCapacity/);
  });
});
