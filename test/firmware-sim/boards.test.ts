// Every frame the simulated boards send decodes cleanly and follows the datasheet.
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { collect, ofType, unwrapper } from "./support/collect.ts";

describe("simulated boards follow the datasheet", () => {
  const sim = new Simulator({ scenario: "mixed", jobs: 3, seed: 21, abortP: 0, recutP: 0 });
  const d = collect(sim);
  const { vib, run } = d.frames;

  it("every byte decodes: no bad frames, both boards start with HELLO seq 0 (kind, channels, rate, lsb)", () => {
    expect(d.bad).toEqual({ vib: 0, run: 0 });
    expect(vib.length).toBeGreaterThan(1000);
    const vh = vib[0];
    const rh = run[0];
    expect(vh).toMatchObject({ type: "HELLO", seq: 0, kind: 1, channels: 3, rate_hz: 3200 });
    expect(rh).toMatchObject({ type: "HELLO", seq: 0, kind: 2, channels: 1, rate_hz: 1000 });
    expect(vh.type === "HELLO" && vh.lsb).toBeCloseTo(0.0039, 6);
    expect(rh.type === "HELLO" && rh.lsb).toBeCloseTo(0.1, 6);
    expect(ofType(vib, "HELLO")).toHaveLength(1);
  });

  it("seq +1 every frame per board; frames in board-time order", () => {
    for (const frames of [vib, run]) {
      for (let i = 1; i < frames.length; i++) expect(frames[i].seq).toBe((frames[i - 1].seq + 1) & 0xffff);
    }
  });

  it("SAMPLES: VIB 32 × 3 every 10 ms (100 frames/s), RUN 20 × 1 every 20 ms (50 frames/s); raw within the sensors' range", () => {
    const vs = ofType(vib, "SAMPLES");
    const rs = ofType(run, "SAMPLES");
    for (const f of vs) expect([f.n, f.channels]).toEqual([32, 3]);
    for (const f of rs) expect([f.n, f.channels]).toEqual([20, 1]);
    for (let i = 1; i < vs.length; i++) expect(vs[i].t_us - vs[i - 1].t_us).toBe(10_000);
    for (let i = 1; i < rs.length; i++) expect(rs[i].t_us - rs[i - 1].t_us).toBe(20_000);
    const seconds = sim.simUs / 1e6;
    expect(vs.length / seconds).toBeGreaterThan(99);
    expect(rs.length / seconds).toBeGreaterThan(49.5);
    // ADXL345 ±16 g at 3.9 mg: |raw| ≤ 4103 unless saturated; none saturated here.
    let maxAbs = 0;
    for (const f of vs) for (let i = 0; i < f.raw.length; i++) maxAbs = Math.max(maxAbs, Math.abs(f.raw[i]));
    expect(maxAbs).toBeGreaterThan(200); // ~1 g of gravity is always there
    expect(maxAbs).toBeLessThanOrEqual(4103);
  });

  it("the accelerometer feels 1 g of gravity from power-up to the last frame", () => {
    const vs = ofType(vib, "SAMPLES");
    for (const part of [vs.slice(0, 30), vs.slice(-30)]) {
      const m = [0, 0, 0];
      let n = 0;
      for (const f of part) for (let k = 0; k < f.n; k++, n++) for (let a = 0; a < 3; a++) m[a] += f.raw[k * 3 + a] * 0.0039;
      expect(Math.hypot(m[0] / n, m[1] / n, m[2] / n)).toBeCloseTo(1, 1);
    }
  });

  it("STATUS once a second from each board; LATHE at least once a second", () => {
    for (const frames of [vib, run]) {
      const st = ofType(frames, "STATUS");
      expect(Math.abs(st.length - Math.floor(sim.simUs / 1e6))).toBeLessThanOrEqual(1);
      for (let i = 1; i < st.length; i++) expect(st[i].t_us - st[i - 1].t_us).toBe(1_000_000);
      for (const s of st) expect(s.flags).toBe(0);
    }
    const lathe = ofType(run, "LATHE");
    for (let i = 1; i < lathe.length; i++) expect(lathe[i].t_us - lathe[i - 1].t_us).toBeLessThanOrEqual(1_000_000);
  });

  it("INDEX: first period 0, then period = difference of marks, rpm consistent with the set point", () => {
    const idx = ofType(run, "INDEX");
    expect(idx[0].period_us).toBe(0);
    for (let i = 1; i < idx.length; i++) expect(idx[i].period_us).toBe(idx[i].t_mark_us - idx[i - 1].t_mark_us);
    for (const f of idx) expect(f.t_us).toBeGreaterThanOrEqual(f.t_mark_us);
    // While the lathe is in a job, the revolution rate agrees with the LATHE rpm within 3 %.
    const lathe = ofType(run, "LATHE");
    let checked = 0;
    for (const f of idx.slice(1)) {
      const l = [...lathe].reverse().find((x) => x.t_us <= f.t_mark_us);
      if (!l || l.state === 0) continue;
      const rpm = 60e6 / f.period_us;
      expect(Math.abs(rpm - l.rpm) / l.rpm).toBeLessThan(0.03);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("LATHE: each job runs idle → measure → cut → check → idle; compensation comes in measure after ≥ 1 revolution; changes fall inside revolutions", () => {
    const lathe = ofType(run, "LATHE");
    const idx = ofType(run, "INDEX");
    const states: number[] = [];
    for (const l of lathe) if (states[states.length - 1] !== l.state) states.push(l.state);
    expect(states).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0]);
    const changes = lathe.filter((l, i) => i > 0 && (l.state !== lathe[i - 1].state || l.flags !== lathe[i - 1].flags));
    const compOn = lathe.filter((l, i) => i > 0 && l.flags === 1 && lathe[i - 1].flags === 0);
    expect(compOn).toHaveLength(3);
    for (const c of compOn) {
      expect(c.state).toBe(1);
      const start = [...lathe].reverse().find((l) => l.t_us < c.t_us && l.state === 1 && l.flags === 0 && lathe[lathe.indexOf(l) - 1].state === 0)!;
      const marksBetween = idx.filter((m) => m.t_mark_us > start.t_us && m.t_mark_us < c.t_us).length;
      expect(marksBetween).toBeGreaterThanOrEqual(2);
    }
    // A state change is a frame of its own, built at the change (not at a mark): measure its
    // position inside the revolution.
    const fracs = changes.map((c) => {
      const prev = [...idx].reverse().find((m) => m.t_mark_us <= c.t_us)!;
      const next = idx.find((m) => m.t_mark_us > c.t_us)!;
      return (c.t_us - prev.t_mark_us) / (next.t_mark_us - prev.t_mark_us);
    });
    expect(fracs.some((f) => f > 0.1 && f < 0.9)).toBe(true);
    expect(new Set(fracs.map((f) => Math.floor(f * 4))).size).toBeGreaterThan(1);
    // Tool: 0 at the outer edge in measure, moving inward during the cut.
    const cut = lathe.filter((l) => l.state === 2);
    expect(cut[0].tool_mm_x100).toBeLessThan(100);
    expect(Math.max(...cut.map((l) => l.tool_mm_x100))).toBeGreaterThan(3000);
  });

  it("the boards share one timebase: VIB and RUN clocks agree", () => {
    const un = unwrapper();
    const vEnd = un(ofType(vib, "SAMPLES").at(-1)!.t_us);
    const rEnd = ofType(run, "SAMPLES").at(-1)!.t_us;
    expect(Math.abs(vEnd - rEnd)).toBeLessThan(30_000);
    const vs = ofType(vib, "STATUS");
    const rs = ofType(run, "STATUS");
    expect(Math.abs(vs[0].t_us - rs[0].t_us)).toBeLessThan(50);
  });

  it("a job lasts about 15 s of board time by default", () => {
    for (const j of sim.jobs) {
      const s = (j.endSimUs - j.startSimUs) / 1e6;
      expect(s).toBeGreaterThan(8);
      expect(s).toBeLessThan(18);
    }
    expect(sim.jobs.map((j) => j.job)).toEqual([1, 2, 3]);
  });
});

describe("job variants", () => {
  it("a re-cut stays in one job (check → cut → check); an aborted job ends early", () => {
    const recut = new Simulator({ scenario: "good", jobs: 1, seed: 5, recutP: 1 });
    const lr = ofType(collect(recut).frames.run, "LATHE");
    const seq: number[] = [];
    for (const l of lr) if (seq[seq.length - 1] !== l.state) seq.push(l.state);
    expect(seq).toEqual([0, 1, 2, 3, 2, 3, 0]);
    expect(recut.jobs[0].recut).toBe(true);

    const aborted = new Simulator({ scenario: "good", jobs: 4, seed: 6, abortP: 1 });
    const la = ofType(collect(aborted).frames.run, "LATHE");
    const seqA: number[] = [];
    for (const l of la) if (seqA[seqA.length - 1] !== l.state) seqA.push(l.state);
    expect(seqA.filter((s) => s === 3)).toHaveLength(0);
    expect(seqA.filter((s) => s === 1)).toHaveLength(4);
    expect(aborted.jobs.every((j) => j.aborted !== null && j.raUm === null && j.residualLroUm === null)).toBe(true);
  });
});
