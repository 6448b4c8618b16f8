import { describe, expect, it } from "vitest";
import { LineResult, NonSyncLine } from "../../src/dsp/nonsync-line.ts";
import { RunoutFit } from "../../src/dsp/runout.ts";
import { rattleStream, type RattleStreamOptions } from "./support/rattle-stream.ts";

/** Runs the stream through NonSyncLine → RunoutFit (with and without the line) per revolution. */
function run(o: RattleStreamOptions) {
  const s = rattleStream(o);
  const line = new NonSyncLine();
  const withLine = new RunoutFit();
  const plain = new RunoutFit();
  const out: { active: boolean; hz: number; err: number; plainErr: number }[] = [];
  for (const r of s.revs) {
    line.begin(r.startUs, r.periodUs);
    line.add(s.times, s.values, null, 0, r.from, r.to, 1);
    line.finish();
    withLine.begin(r.startUs, r.periodUs);
    withLine.setLine(line.line);
    withLine.add(s.times, s.values, null, 0, r.from, r.to, 1);
    withLine.finish();
    plain.begin(r.startUs, r.periodUs);
    plain.add(s.times, s.values, null, 0, r.from, r.to, 1);
    plain.finish();
    out.push({
      active: line.line[LineResult.ACTIVE] === 1,
      hz: (line.line[LineResult.OMEGA] * 1e6) / (2 * Math.PI),
      err: withLine.peakToPeak - r.p2p,
      plainErr: plain.peakToPeak - r.p2p,
    });
  }
  return out;
}

const base = { revolutions: 40, rpm: 140, lineUm: 2, wanderUm: 5, noiseUm: 0.4, seed: 3 };

describe("NonSyncLine", () => {
  for (const [lineHz, rpm] of [[11.3, 140], [7.9, 125], [13.1, 166]] as const) {
    it(`finds a ${lineHz} Hz line at ${rpm} rpm and RunoutFit leaves it out of LRO, the wander kept`, () => {
      const out = run({ ...base, rpm, lineHz });
      const settled = out.slice(6);
      expect(settled.every((x) => x.active)).toBe(true);
      for (const x of settled) expect(Math.abs(x.hz - lineHz)).toBeLessThan(0.03);
      const worst = Math.max(...settled.map((x) => Math.abs(x.err)));
      const worstPlain = Math.max(...settled.map((x) => Math.abs(x.plainErr)));
      expect(worst).toBeLessThan(0.8);
      // The line inflates the plain fit's LRO by several µm (what the test guards against).
      expect(worstPlain).toBeGreaterThan(2);
    });
  }

  it("finds no line in noise and a wandering 1st order, and changes nothing there", () => {
    for (const seed of [1, 2, 3, 4]) {
      const out = run({ ...base, lineHz: 0, lineUm: 0, seed, revolutions: 60 });
      expect(out.filter((x) => x.active).length, `seed ${seed}`).toBe(0);
      for (const x of out) expect(x.err).toBe(x.plainErr);
    }
  });

  it("rejects bad options", () => {
    expect(() => new NonSyncLine({ orders: 1 })).toThrow(/orders/);
    expect(() => new NonSyncLine({ windowUs: 0 })).toThrow(/windowUs/);
    expect(() => new NonSyncLine({ minPeakRatio: 1 })).toThrow(/minPeakRatio/);
  });
});
