// Labels follow the datasheet's definition: judder felt on a drive (probabilistic in DTV and LRO) or,
// with measurements only, measured DTV ≥ 15 µm or measured LRO ≥ 50 µm; dtvUm from a micrometer at
// 8 points (noisy, can miss the maximum); fields optional.
import { describe, expect, it } from "vitest";
import { Fleet, scenarios } from "../../firmware-sim/scenarios.ts";
import { makeLabel, micrometerDtv } from "../../firmware-sim/labels.ts";
import { Rng } from "../../firmware-sim/random.ts";
import type { JobTruth } from "../../firmware-sim/truth.ts";
import type { Job } from "../../firmware-sim/job.ts";
import type { Label, LabelBasis } from "../../firmware-sim/labels.ts";

interface Row {
  job: Job;
  truth: JobTruth;
  label: Label;
  basis: LabelBasis;
}

function truthOf(job: Job, i: number): JobTruth {
  const dtv = job.causes.thickness.peakToPeak();
  const lro = job.causes.runout.peakToPeak();
  return {
    job: i, boardStartUs: 1000 * i, startSimUs: 0, endSimUs: 0, aborted: null, recut: false, rpm: 150,
    lroBeforeUm: lro, lroDiscUm: lro, dtvUm: dtv, residualLroUm: 3, residualDtvUm: 1, raUm: job.raUm,
    revolutions: { measure: 5, measureCompensated: 3, cut: 20, check: 5, mixed: 3 }, causes: {},
  };
}

describe("technician labels", () => {
  const fleet = new Fleet(scenarios.mixed, 3000, 5);
  const rng = new Rng(99);
  const rows: Row[] = [];
  for (let i = 1; i <= 3000; i++) {
    const job = fleet.next(i)!;
    const truth = truthOf(job, i);
    rows.push({ job, truth, ...makeLabel(job, truth, rng) });
  }

  it("measured-mode judder is exactly the rule on the measured values; the label then carries dtvUm", () => {
    const measured = rows.filter((r) => r.basis.judderMode === "measured");
    expect(measured.length).toBeGreaterThan(700);
    for (const r of measured) {
      expect(r.label.judder).toBe(r.basis.dtvMeasuredUm >= 15 || r.basis.lroMeasuredUm >= 50);
      expect(r.label.dtvUm).toBe(r.basis.dtvMeasuredUm);
    }
  });

  it("drive-mode judder follows its probability: rare when DTV and LRO are low, common when DTV is high", () => {
    const drive = rows.filter((r) => r.basis.judderMode === "drive");
    const low = drive.filter((r) => r.basis.pFelt < 0.1);
    const high = drive.filter((r) => r.basis.pFelt > 0.9);
    expect(low.length).toBeGreaterThan(100);
    expect(high.length).toBeGreaterThan(50);
    const rate = (xs: Row[]) => xs.filter((r) => r.label.judder).length / xs.length;
    expect(rate(low)).toBeLessThan(0.06);
    expect(rate(high)).toBeGreaterThan(0.9);
    // Felt judder rises with DTV.
    const byDtv = (lo: number, hi: number) => rate(drive.filter((r) => r.truth.dtvUm >= lo && r.truth.dtvUm < hi));
    expect(byDtv(20, 40)).toBeGreaterThan(byDtv(2, 8) + 0.5);
  });

  it("micrometer DTV at 8 points is noisy and can miss the true maximum", () => {
    const errs = rows.map((r) => r.basis.dtvMeasuredUm - r.truth.dtvUm);
    expect(errs.filter((e) => e < -1).length).toBeGreaterThan(100); // misses the peak between points
    expect(Math.max(...errs)).toBeLessThan(4);
    expect(new Set(rows.map((r) => r.basis.dtvMeasuredUm % 1)).size).toBe(1); // 1 µm steps
    const job = rows[0].job;
    const a = micrometerDtv(job, new Rng(1));
    const b = micrometerDtv(job, new Rng(2));
    expect(typeof a === "number" && typeof b === "number").toBe(true);
  });

  it("not every job has every label; boardStartUs, when present, is the job's", () => {
    const frac = (f: (r: Row) => boolean) => rows.filter(f).length / rows.length;
    expect(frac((r) => r.label.judder === undefined)).toBeGreaterThan(0.05);
    expect(frac((r) => r.label.dtvUm === undefined)).toBeGreaterThan(0.1);
    expect(frac((r) => r.label.raUm !== undefined)).toBeGreaterThan(0.3);
    expect(frac((r) => r.label.raUm !== undefined)).toBeLessThan(0.5);
    expect(frac((r) => r.label.boardStartUs === undefined)).toBeGreaterThan(0.1);
    for (const r of rows) if (r.label.boardStartUs !== undefined) expect(r.label.boardStartUs).toBe(r.truth.boardStartUs);
    for (const r of rows) if (r.label.raUm !== undefined) expect(Math.abs(r.label.raUm / r.truth.raUm! - 1)).toBeLessThan(0.25);
  });
});
