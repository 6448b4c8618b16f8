import { describe, expect, it } from "vitest";
import { LineResult, NonSyncLine } from "../../src/dsp/nonsync-line.ts";
import { RunoutFit } from "../../src/dsp/runout.ts";
import { rattleStream, type RattleStreamOptions } from "./support/rattle-stream.ts";
import { lineThenFit } from "./support/line-then-fit.ts";

/** Runs the stream through RunoutFit → NonSyncLine → RunoutFit without the line, per revolution,
 *  and a plain RunoutFit alongside. */
function run(o: RattleStreamOptions, line = new NonSyncLine()) {
  const s = rattleStream(o);
  const withLine = new RunoutFit();
  const plain = new RunoutFit();
  const out: { active: boolean; hz: number; err: number; plainErr: number; spread: number }[] = [];
  for (const r of s.revs) {
    lineThenFit(line, withLine, s.times, s.values, r.startUs, r.periodUs, r.from, r.to);
    plain.begin(r.startUs, r.periodUs);
    plain.add(s.times, s.values, null, 0, r.from, r.to, 1);
    plain.finish();
    out.push({
      active: line.line[LineResult.ACTIVE] === 1,
      hz: (line.line[LineResult.OMEGA] * 1e6) / (2 * Math.PI),
      err: withLine.peakToPeak - r.p2p,
      plainErr: plain.peakToPeak - r.p2p,
      spread: line.line[LineResult.SPREAD],
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
      expect(Math.max(...out.map((x) => x.spread)), `seed ${seed}`).toBeLessThan(2.5);
      // No evidence even without the speed variation's allowance (this stream's speed is constant):
      // the plain fits' orders 2..K vary as their noise explains.
      const noWarp = run({ ...base, lineHz: 0, lineUm: 0, seed, revolutions: 60 }, new NonSyncLine({ warp: 0 }));
      expect(noWarp.filter((x) => x.active).length, `seed ${seed}`).toBe(0);
      expect(Math.max(...noWarp.map((x) => x.spread)), `seed ${seed}`).toBeLessThan(4);
    }
  });

  it("takes a varying spindle speed under a large 1st order for no evidence, unless told not to allow for it", () => {
    // The angle the fits assume is linear between INDEX marks; a speed varying within the revolution
    // warps it, and a 60 µm 1st order then moves orders 2..K from one revolution to the next.
    const tight = { ...base, lineHz: 0, lineUm: 0, wanderUm: 0.2, rpm: 160, firstOrderUm: 60, speedJitter: 0.01, revolutions: 40 };
    for (const seed of [1, 2, 3, 4]) {
      const out = run({ ...tight, seed });
      expect(out.filter((x) => x.active).length, `seed ${seed}`).toBe(0);
      for (const x of out) expect(x.err).toBe(x.plainErr);
      const noAllowance = run({ ...tight, seed }, new NonSyncLine({ warp: 0, minSpread: 1e9 }));
      expect(Math.max(...noAllowance.map((x) => x.spread)), `seed ${seed}`).toBeGreaterThan(8);
    }
    // A rattle on that spindle is still found and left out.
    for (const seed of [1, 2]) {
      const out = run({ ...tight, seed, lineHz: 11.3, lineUm: 2, wanderUm: 5, rpm: 140 });
      expect(out.slice(3).every((x) => x.active), `seed ${seed}`).toBe(true);
      expect(Math.max(...out.slice(6).map((x) => Math.abs(x.err))), `seed ${seed}`).toBeLessThan(0.5);
      expect(Math.max(...out.slice(6).map((x) => Math.abs(x.plainErr))), `seed ${seed}`).toBeGreaterThan(2);
    }
  });

  it("searches only on evidence: with minSpread out of reach the line is never found", () => {
    const out = run({ ...base, rpm: 140, lineHz: 11.3 }, new NonSyncLine({ minSpread: 1e9 }));
    expect(out.filter((x) => x.active).length).toBe(0);
    expect(Math.min(...out.slice(3).map((x) => x.spread))).toBeGreaterThan(20);
  });

  it("keeps the line's frequency across a segment (a cut) and estimates it again from 2 revolutions", () => {
    const s = rattleStream({ ...base, rpm: 140, lineHz: 11.3, revolutions: 30 });
    const line = new NonSyncLine();
    const fit = new RunoutFit();
    const active: boolean[] = [];
    s.revs.forEach((r, i) => {
      if (i === 20) line.markSegment();
      lineThenFit(line, fit, s.times, s.values, r.startUs, r.periodUs, r.from, r.to);
      active.push(line.line[LineResult.ACTIVE] === 1);
    });
    expect(active.slice(6, 20).every(Boolean)).toBe(true);
    expect(active.slice(20).every(Boolean)).toBe(true);
    line.reset();
    const r = s.revs[29];
    lineThenFit(line, fit, s.times, s.values, r.startUs, r.periodUs, r.from, r.to);
    expect(line.line[LineResult.ACTIVE]).toBe(0);
  });

  it("rejects bad options", () => {
    expect(() => new NonSyncLine({ orders: 1 })).toThrow(/orders/);
    expect(() => new NonSyncLine({ windowUs: 0 })).toThrow(/windowUs/);
    expect(() => new NonSyncLine({ minPeakRatio: 1 })).toThrow(/minPeakRatio/);
    expect(() => new NonSyncLine({ minSpread: -1 })).toThrow(/minSpread/);
  });
});
