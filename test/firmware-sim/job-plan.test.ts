// The job script: default lengths, the real-length cut option, aborts and re-cuts; seq wrap over a
// long run.
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { planJob } from "../../firmware-sim/job-plan.ts";
import { Rng } from "../../firmware-sim/random.ts";
import { decodeFrame } from "../../src/protocol/index.ts";

describe("job plan", () => {
  it("default: a few measure revolutions, a compressed cut of ~20, a few check; compensation at the 2nd or 3rd mark", () => {
    for (let s = 0; s < 200; s++) {
      const p = planJob(new Rng(s), 150);
      expect(p.phases.map((x) => x.state)).toEqual([1, 2, 3]);
      expect(p.phases[0].revs).toBeGreaterThan(5);
      expect(p.phases[0].revs).toBeLessThan(7);
      expect(p.phases[1].revs).toBeGreaterThan(15);
      expect(p.phases[1].revs).toBeLessThan(25);
      expect([2, 3]).toContain(p.compensationMark);
      // Phase lengths are fractional: changes fall anywhere in a revolution.
      expect(p.phases[0].revs % 1).not.toBe(0);
    }
  });

  it("real-length cut: about 4 minutes of revolutions at the set point", () => {
    const p = planJob(new Rng(1), 150, { realLengthCut: true });
    const seconds = (p.phases[1].revs * 60) / 150;
    expect(seconds).toBeGreaterThan(230);
    expect(seconds).toBeLessThan(250);
  });

  it("aborts end in measure or in the cut; re-cuts add cut → check", () => {
    const kinds = new Set<string>();
    for (let s = 0; s < 100; s++) {
      const a = planJob(new Rng(s), 140, { abortP: 1 });
      kinds.add(a.aborted!);
      expect(a.phases.map((x) => x.state)).toEqual(a.aborted === "measure" ? [1] : [1, 2]);
      const r = planJob(new Rng(s), 140, { recutP: 1 });
      expect(r.phases.map((x) => x.state)).toEqual([1, 2, 3, 2, 3]);
    }
    expect([...kinds].sort()).toEqual(["cut", "measure"]);
  });
});

describe("long run", () => {
  it("VIB seq wraps 65535 → 0 after ~11 minutes of board time, without a gap", () => {
    const sim = new Simulator({ scenario: "good", jobs: 45, seed: 3, keepRevolutions: false, blockMs: 50 });
    let frames = 0;
    let last = -1;
    let wraps = 0;
    let rest: number[] = [];
    for (const c of sim.chunks()) {
      if (c.board !== "vib") continue;
      for (let i = 0; i < c.bytes.length; i++) if (c.bytes[i] === 0) frames++;
      // Decode only around the wrap (decoding all 70k frames would dominate the test).
      if (frames < 65_000 || frames > 66_500) continue;
      for (const b of c.bytes) {
        rest.push(b);
        if (b !== 0) continue;
        const r = decodeFrame(Uint8Array.from(rest));
        rest = [];
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        if (last >= 0) expect(r.frame.seq).toBe((last + 1) & 0xffff);
        if (last === 65535) wraps++;
        last = r.frame.seq;
      }
      if (frames > 66_500) break;
    }
    expect(wraps).toBe(1);
  });
});
