// Truth consistency: the probe's samples reproduce the per-revolution truth shape, DTV is invisible
// to the probe but visible in the cut's vibration at the thickness profile's orders.
import { describe, expect, it } from "vitest";
import { scenarios, Simulator, type Scenario } from "../../firmware-sim/index.ts";
import { forceGain } from "../../firmware-sim/physics/cut-model.ts";
import { Harmonics } from "../../firmware-sim/physics/harmonics.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { collect, fitOrders, ofType, p2p, samplesOf } from "./support/collect.ts";

describe("truth", () => {
  const sim = new Simulator({ scenario: "good", jobs: 2, seed: 31 });
  const d = collect(sim);
  const marks = ofType(d.frames.run, "INDEX").map((f) => f.t_mark_us);
  const probe = samplesOf(d.frames.run, 0, 1000);

  it("probe samples minus noise reproduce each revolution's truth shape (Fourier fit p2p within 1 µm; residual ≈ 0.4 µm noise)", () => {
    const byStart = new Map(sim.revolutions.map((r) => [r.startMarkUs, r]));
    let checked = 0;
    const resids: number[] = [];
    let j = 0;
    for (let m = 1; m < marks.length; m++) {
      const a = marks[m - 1];
      const b = marks[m];
      const truth = byStart.get(a);
      if (!truth || truth.endMarkUs !== b || truth.phase === null || truth.phase === LatheState.CUT) continue;
      const th: number[] = [];
      const y: number[] = [];
      while (j < probe.t.length && probe.t[j] < a) j++;
      for (let k = j; k < probe.t.length && probe.t[k] < b; k++) {
        th.push((2 * Math.PI * (probe.t[k] - a)) / (b - a));
        y.push(probe.v[k] * 0.1);
      }
      const fit = fitOrders(th, y, 6);
      expect(Math.abs(p2p(fit.fit) - truth.shapeP2pUm)).toBeLessThan(1);
      resids.push(fit.resid);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(14);
    const meanResid = resids.reduce((s, x) => s + x, 0) / resids.length;
    expect(meanResid).toBeGreaterThan(0.3);
    expect(meanResid).toBeLessThan(0.55);
  });

  it("job truth: LRO before the cut = median of compensated measure revolutions; the misalignment shows only before compensation", () => {
    for (const job of sim.jobs) {
      const revs = sim.revolutions.filter((r) => r.job === job.job && r.phase === LatheState.MEASURE);
      const comp = revs.filter((r) => r.compensated).map((r) => r.shapeP2pUm).sort((x, y) => x - y);
      expect(comp.length).toBeGreaterThanOrEqual(1);
      expect(job.lroBeforeUm).toBeCloseTo(comp[Math.floor(comp.length / 2)], 1);
      // Tight adapter: what the lathe sees after compensation is the disc's own runout.
      expect(Math.abs(job.lroBeforeUm! - job.lroDiscUm)).toBeLessThan(0.3);
      const before = sim.revolutions.filter((r) => r.job === job.job && !r.compensated && r.phase === LatheState.MEASURE);
      expect(before.length).toBeGreaterThanOrEqual(1);
      // Before compensation the probe sees disc + the lathe's misalignment (1st order).
      const c = job.causes as { runout: { order: number; amplitude: number; phase: number }[]; misalignmentP2pUm: number; misalignmentPhase: number };
      const seen = new Harmonics(4);
      for (const o of c.runout) seen.set(o.order, o.amplitude, o.phase);
      seen.c[1] += (c.misalignmentP2pUm / 2) * Math.cos(c.misalignmentPhase);
      seen.s[1] += (c.misalignmentP2pUm / 2) * Math.sin(c.misalignmentPhase);
      for (const r of before) expect(r.shapeP2pUm).toBeCloseTo(seen.peakToPeak(), 0);
      expect(job.residualLroUm!).toBeGreaterThan(0.3);
      expect(job.residualLroUm!).toBeLessThan(15);
      expect(job.raUm!).toBeGreaterThan(0.5);
      expect(job.raUm!).toBeLessThan(2.0);
      expect(job.boardStartUs).toBe(ofType(d.frames.run, "LATHE").find((l) => l.t_us === job.boardStartUs && l.state === 1)!.t_us);
    }
  });

  it("DTV is invisible to the probe (RUN bytes identical for 2 and 25 µm DTV) but shows in the cut's tangential vibration at the thickness orders", () => {
    const pop = scenarios.good.population(0, 1);
    const withDtv = (dtv: number): Scenario => ({ ...scenarios.good, population: () => ({ ...pop, dtvUm: [dtv, dtv * 1.0001] }) });
    const runs = [2, 25].map((dtv) => {
      const s = new Simulator({ scenario: withDtv(dtv), jobs: 1, seed: 77 });
      const dd = collect(s);
      return { s, dd };
    });
    const [lo, hi] = runs;
    expect(Buffer.concat(ofType(hi.dd.frames.run, "SAMPLES").map((f) => Buffer.from(Int16Array.from(f.raw).buffer))).equals(
      Buffer.concat(ofType(lo.dd.frames.run, "SAMPLES").map((f) => Buffer.from(Int16Array.from(f.raw).buffer))),
    )).toBe(true);
    expect(hi.s.jobs[0].dtvUm).toBeCloseTo(25, 1);
    expect(lo.s.jobs[0].dtvUm).toBeCloseTo(2, 1);

    // Coherent order analysis of y (tangential), angle from the marks, over the cut revolutions and
    // over the measure revolutions (no cut: the spindle's own once-per-rev imbalance is there too).
    const orders = (r: (typeof runs)[number], state: number) => {
      const lathe = ofType(r.dd.frames.run, "LATHE");
      const from = lathe.find((l) => l.state === state)!.t_us;
      const to = lathe.find((l) => l.t_us > from && l.state !== state)!.t_us;
      const mk = ofType(r.dd.frames.run, "INDEX").map((f) => f.t_mark_us).filter((t) => t > from && t < to);
      const y = samplesOf(r.dd.frames.vib, 1, 3200);
      const th: number[] = [];
      const v: number[] = [];
      let m = 0;
      for (let k = 0; k < y.t.length; k++) {
        const t = y.t[k];
        if (t < mk[0] || t >= mk[mk.length - 1]) continue;
        while (mk[m + 1] <= t) m++;
        th.push((2 * Math.PI * (t - mk[m])) / (mk[m + 1] - mk[m]));
        v.push(y.v[k] * 0.0039);
      }
      return fitOrders(th, v, 4);
    };
    // Amplitude of what the cut adds at order k (cut minus measure, as vectors).
    const cutAdds = (r: (typeof runs)[number], k: number) => {
      const c = orders(r, 2);
      const m = orders(r, 1);
      return Math.hypot(c.cos[k] - m.cos[k], c.sin[k] - m.sin[k]);
    };
    const job = hi.s.jobs[0];
    const thick = job.causes.thickness as { order: number; amplitude: number }[];
    const gain = forceGain({ mountStiffness: job.causes.mountStiffness } as never);
    let checkedOrders = 0;
    for (const k of [1, 2, 3]) {
      const predicted = gain * thick[k - 1].amplitude;
      if (predicted < 0.003) continue;
      expect(cutAdds(hi, k)).toBeGreaterThan(0.65 * predicted);
      expect(cutAdds(hi, k)).toBeLessThan(1.35 * predicted);
      checkedOrders++;
    }
    expect(checkedOrders).toBeGreaterThanOrEqual(2);
    expect(cutAdds(hi, 1) + cutAdds(hi, 2)).toBeGreaterThan(4 * (cutAdds(lo, 1) + cutAdds(lo, 2)));
  });
});
