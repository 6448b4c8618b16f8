// Scenario sanity: each named scenario shows what it is named for, in the bytes and in the truth.
import FFT from "fft.js";
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { Fleet, scenarios } from "../../firmware-sim/scenarios.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { collect, ofType, samplesOf } from "./support/collect.ts";

/** Mean power (g²) of the axial axis in 500–1500 Hz over the cut, from 1024-sample FFT frames. */
function chatterBandPower(sim: Simulator): number {
  const d = collect(sim);
  const lathe = ofType(d.frames.run, "LATHE");
  const a = lathe.find((l) => l.state === 2)!.t_us;
  const b = lathe.find((l) => l.state === 3)!.t_us;
  const z = samplesOf(d.frames.vib, 2, 3200);
  const cut = z.v.filter((_, k) => z.t[k] > a && z.t[k] < b).map((r) => r * 0.0039);
  const N = 1024;
  const fft = new FFT(N);
  const out = fft.createComplexArray() as number[];
  let power = 0;
  let frames = 0;
  for (let s = 0; s + N <= cut.length; s += N) {
    const x = cut.slice(s, s + N);
    const mean = x.reduce((p, q) => p + q, 0) / N;
    fft.realTransform(out, x.map((v) => v - mean));
    for (let k = Math.round((500 * N) / 3200); k <= Math.round((1500 * N) / 3200); k++) power += (2 * (out[2 * k] ** 2 + out[2 * k + 1] ** 2)) / (N * N);
    frames++;
  }
  return power / frames;
}

describe("scenarios", () => {
  it("warped discs: high runout before the cut, still cut to a small residual", () => {
    const sim = new Simulator({ scenario: "warped", jobs: 2, seed: 3 });
    collect(sim);
    for (const j of sim.jobs) {
      expect(j.lroBeforeUm!).toBeGreaterThan(60);
      expect(j.residualLroUm!).toBeLessThan(j.lroBeforeUm! / 4);
    }
  });

  it("worn tips: chatter-band energy in the cut far above fresh tips, and a worse finish", () => {
    const worn = new Simulator({ scenario: "worn-tips", jobs: 1, seed: 4 });
    const good = new Simulator({ scenario: "good", jobs: 1, seed: 4 });
    const pw = chatterBandPower(worn);
    const pg = chatterBandPower(good);
    expect(pw).toBeGreaterThan(10 * pg);
    expect(worn.jobs[0].raUm!).toBeGreaterThan(good.jobs[0].raUm! + 0.3);
    expect((worn.jobs[0].causes as { tipCuts: number }).tipCuts).toBeGreaterThanOrEqual(8);
  });

  it("loose adapter: runout wanders from revolution to revolution (a tight one does not)", () => {
    const spread = (name: string) => {
      const sim = new Simulator({ scenario: name, jobs: 1, seed: 12 });
      collect(sim);
      const p = sim.revolutions.filter((r) => r.phase === LatheState.MEASURE && r.compensated || r.phase === LatheState.CHECK).map((r) => r.shapeP2pUm);
      const check = sim.revolutions.filter((r) => r.phase === LatheState.CHECK).map((r) => r.shapeP2pUm);
      return { range: Math.max(...check) - Math.min(...check), n: p.length, residual: sim.jobs[0].residualLroUm! };
    };
    const loose = spread("loose-adapter");
    const tight = spread("good");
    expect(loose.range).toBeGreaterThan(2);
    expect(tight.range).toBeLessThan(0.05);
  });

  it("hard spots: once-per-revolution impulses in the cut (none without hard spots)", () => {
    const spikyRevs = (scenario: string) => {
      const sim = new Simulator({ scenario, jobs: 1, seed: 2 });
      const d = collect(sim);
      const lathe = ofType(d.frames.run, "LATHE");
      const m = lathe.find((l) => l.state === 1)!.t_us;
      const a = lathe.find((l) => l.state === 2)!.t_us;
      const b = lathe.find((l) => l.state === 3)!.t_us;
      const z = samplesOf(d.frames.vib, 2, 3200);
      const inMeasure = z.v.filter((_, k) => z.t[k] > m && z.t[k] < a);
      const gravity = inMeasure.reduce((s, v) => s + v, 0) / inMeasure.length;
      // Cut revolutions after the first 2 s (the tool is past any rust lip by then).
      const idx = ofType(d.frames.run, "INDEX").map((f) => f.t_mark_us).filter((t) => t > a + 2e6 && t < b);
      let spiky = 0;
      for (let i = 1; i < idx.length; i++) {
        const seg = z.v.filter((_, k) => z.t[k] >= idx[i - 1] && z.t[k] < idx[i]);
        if (Math.max(...seg.map((v) => Math.abs(v - gravity) * 0.0039)) > 0.5) spiky++;
      }
      return { spiky, revs: idx.length - 1 };
    };
    const hard = spikyRevs("hard-spots");
    const good = spikyRevs("good");
    expect(hard.revs).toBeGreaterThan(5);
    expect(hard.spiky).toBeGreaterThanOrEqual(hard.revs - 1);
    expect(good.spiky).toBeLessThanOrEqual(good.revs / 4);
  });

  it("rust: broadband noise early in the cut (the rust lip at the edge), not later", () => {
    const earlyOverLate = (scenario: string) => {
      const sim = new Simulator({ scenario, jobs: 1, seed: 6 });
      const d = collect(sim);
      const lathe = ofType(d.frames.run, "LATHE");
      const a = lathe.find((l) => l.state === 2)!.t_us;
      const b = lathe.find((l) => l.state === 3)!.t_us;
      const x = samplesOf(d.frames.vib, 0, 3200);
      // High-passed (first difference) rms of the radial axis in a window.
      const hf = (from: number, to: number) => {
        let ss = 0;
        let n = 0;
        for (let k = 1; k < x.t.length; k++) {
          if (x.t[k] < from || x.t[k] >= to) continue;
          ss += ((x.v[k] - x.v[k - 1]) * 0.0039) ** 2;
          n++;
        }
        return Math.sqrt(ss / n);
      };
      return { ratio: hf(a, a + 500_000) / hf(b - 3_000_000, b), rust: (sim.jobs[0].causes as { rust: number }).rust };
    };
    const rusty = earlyOverLate("rusty");
    const good = earlyOverLate("good");
    expect(rusty.rust).toBeGreaterThan(0.4);
    expect(rusty.ratio).toBeGreaterThan(2);
    expect(good.ratio).toBeLessThan(1.3);
  });

  it("fleet-shift: the car population changes half way (softer mounts, more rust and DTV)", () => {
    const fleet = new Fleet(scenarios["fleet-shift"], 400, 1);
    const jobs = Array.from({ length: 400 }, (_, i) => fleet.next(i + 1)!);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const first = jobs.slice(0, 200);
    const second = jobs.slice(200);
    expect(mean(second.map((j) => j.causes.rust))).toBeGreaterThan(mean(first.map((j) => j.causes.rust)) + 0.2);
    expect(mean(second.map((j) => j.causes.mountStiffness))).toBeLessThan(mean(first.map((j) => j.causes.mountStiffness)) - 0.3);
    expect(mean(second.map((j) => j.causes.thickness.peakToPeak()))).toBeGreaterThan(mean(first.map((j) => j.causes.thickness.peakToPeak())) + 3);
    // Tips are changed as they wear out: never far past their life.
    expect(Math.max(...jobs.map((j) => j.causes.tipCuts))).toBeLessThanOrEqual(11);
  });
});
