// On the simulator, through the real decoders: the cut phase of thickness-variation (judder) discs
// shows larger thickness orders in the tangential axis than good discs, and worn tips raise the
// chatter band. Same seed in every scenario, so the cars differ only in what the scenario changes.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario, stat, type JobResult } from "./support/sim-features.ts";

const JOBS = 3;
const SEED = 3;
let good: JobResult[];
let judder: JobResult[];
let worn: JobResult[];

beforeAll(() => {
  good = runScenario("good", JOBS, SEED);
  judder = runScenario("dtv-judder", JOBS, SEED);
  worn = runScenario("worn-tips", JOBS, SEED);
});

/** Sum of the cut phase's synchronously averaged y (tangential) orders 1..4, g. */
const thicknessOrders = (j: JobResult) => [0, 1, 2, 3].reduce((s, k) => s + j.phases.cut.tsa[1].amplitudes[k], 0);

describe("vibration features on simulated jobs (cut phase)", () => {
  it("ran every job through measure, cut and check", () => {
    for (const jobs of [good, judder, worn]) {
      expect(jobs.length).toBe(JOBS);
      for (const j of jobs) {
        expect(j.phases.measure.revolutions).toBeGreaterThanOrEqual(3);
        expect(j.phases.cut.revolutions).toBeGreaterThanOrEqual(15);
        expect(j.phases.check.revolutions).toBeGreaterThanOrEqual(3);
        expect(stat(j.phases.cut, "coverage", "MIN")).toBeGreaterThan(0.99);
      }
    }
  });

  it("DTV judder: every judder disc's thickness orders exceed every good disc's (TSA and per-revolution median)", () => {
    const g = good.map(thicknessOrders);
    const d = judder.map(thicknessOrders);
    expect(Math.min(...d)).toBeGreaterThan(1.5 * Math.max(...g));
    const med = (j: JobResult) => [1, 2].reduce((s, k) => s + stat(j.phases.cut, `y_order${k}_g`, "MEDIAN"), 0);
    expect(Math.min(...judder.map(med))).toBeGreaterThan(Math.max(...good.map(med)));
    // The measure phase (tool clear) shows no such difference: it is the cutting force.
    const m = (j: JobResult) => [0, 1].reduce((s, k) => s + j.phases.measure.tsa[1].amplitudes[k], 0);
    expect(Math.max(...judder.map(m))).toBeLessThan(Math.min(...d) / 2);
  });

  it("worn tips: chatter band energy in the cut far above fresh tips' (every job, axial and tangential)", () => {
    for (const axis of ["z", "y"]) {
      const g = good.map((j) => stat(j.phases.cut, `${axis}_band_chatter_g2`, "MEDIAN"));
      const w = worn.map((j) => stat(j.phases.cut, `${axis}_band_chatter_g2`, "MEDIAN"));
      expect(Math.min(...w), axis).toBeGreaterThan(10 * Math.max(...g));
    }
    // Not in the measure phase: no cut, no chatter.
    const wm = worn.map((j) => stat(j.phases.measure, "z_band_chatter_g2", "MEDIAN"));
    const wc = worn.map((j) => stat(j.phases.cut, "z_band_chatter_g2", "MEDIAN"));
    expect(Math.max(...wm)).toBeLessThan(Math.min(...wc) / 10);
  });
});
