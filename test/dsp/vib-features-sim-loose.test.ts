// On the simulator, through the real decoders: a loose hub adapter makes the runout wander from one
// revolution to the next, and shows in the accelerometer as low-frequency wobble, rattle and
// revolution-to-revolution change (sub-rev) in the cut. Same seed as a good-disc run for contrast.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario, stat, type JobResult } from "./support/sim-features.ts";

const JOBS = 3;
const SEED = 3;
let good: JobResult[];
let loose: JobResult[];

beforeAll(() => {
  good = runScenario("good", JOBS, SEED);
  loose = runScenario("loose-adapter", JOBS, SEED);
});

describe("loose adapter on simulated jobs", () => {
  it("runout wanders between revolutions (check phase, after the cut trued the face)", () => {
    const g = good.map((j) => j.phases.check.wanderMedianUm);
    const l = loose.map((j) => j.phases.check.wanderMedianUm);
    expect(Math.max(...g)).toBeLessThan(0.5);
    expect(Math.min(...l)).toBeGreaterThan(5 * Math.max(...g));
  });

  it("sub-revolution change in the cut and low-band wobble in the measure phase go up", () => {
    const sg = good.map((j) => stat(j.phases.cut, "z_subrev_g2", "MEDIAN"));
    const sl = loose.map((j) => stat(j.phases.cut, "z_subrev_g2", "MEDIAN"));
    expect(Math.min(...sl)).toBeGreaterThan(2 * Math.max(...sg));
    const lg = good.map((j) => stat(j.phases.measure, "x_band_low_g2", "MEDIAN"));
    const ll = loose.map((j) => stat(j.phases.measure, "x_band_low_g2", "MEDIAN"));
    expect(Math.min(...ll)).toBeGreaterThan(5 * Math.max(...lg));
  });

  it("rattle makes the axial vibration impulsive (kurtosis) while a tight adapter stays near Gaussian", () => {
    const kg = good.map((j) => stat(j.phases.measure, "z_kurtosis", "MEDIAN"));
    const kl = loose.map((j) => stat(j.phases.measure, "z_kurtosis", "MEDIAN"));
    for (const k of kg) expect(Math.abs(k - 3)).toBeLessThan(0.5);
    expect(Math.min(...kl)).toBeGreaterThan(6);
  });
});
