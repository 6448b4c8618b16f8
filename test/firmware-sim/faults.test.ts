// Faults on demand appear as asked, and only then.
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { collect, ofType, unwrapper } from "./support/collect.ts";

describe("faults", () => {
  const WRAP_AT = 4_000_000;
  const sim = new Simulator({
    scenario: "good",
    jobs: 1,
    seed: 8,
    clockStartUs: 2 ** 32 - WRAP_AT,
    faults: {
      resets: [{ board: "run", atS: 5 }, { board: "vib", atS: 7 }],
      silences: [{ board: "vib", atS: 9, forS: 1 }],
      saturations: [{ board: "vib", atS: 3, forS: 0.2 }, { board: "run", atS: 12, forS: 0.3 }],
      sensorFaults: [{ board: "run", atS: 14, forS: 0.5 }],
    },
  });
  const d = collect(sim);
  const { vib, run } = d.frames;
  const un = unwrapper();
  const at = (s: number) => (2 ** 32 - WRAP_AT + s * 1e6) % 2 ** 32;

  it("clock wrap: board times pass 2^32 → 0 and unwrap to one increasing timeline", () => {
    const ts = ofType(run, "SAMPLES").map((f) => f.t_us);
    expect(ts.some((t) => t > 2 ** 32 - 1e6)).toBe(true);
    expect(ts.some((t) => t < 1e6)).toBe(true);
    const unwrapped = ts.map(un);
    for (let i = 1; i < unwrapped.length; i++) expect(unwrapped[i]).toBeGreaterThan(unwrapped[i - 1]);
    expect(d.bad).toEqual({ vib: 0, run: 0 });
  });

  it("board reset: silence, HELLO with seq 0, STATUS with the clock-reset flag, INDEX period 0, LATHE resent; clock on the shared timebase", () => {
    for (const [frames, atS] of [[run, 5], [vib, 7]] as const) {
      const hellos = frames.filter((f) => f.type === "HELLO");
      expect(hellos).toHaveLength(2);
      const i = frames.indexOf(hellos[1]);
      expect(hellos[1].seq).toBe(0);
      expect(frames[i - 1].seq).toBeGreaterThan(100);
      const boot = (hellos[1].t_us - at(atS) + 2 ** 32) % 2 ** 32;
      expect(boot).toBeGreaterThanOrEqual(300_000);
      expect(boot).toBeLessThan(300_100);
      const statusAfter = ofType(frames.slice(i), "STATUS");
      expect(statusAfter[0].flags & 8).toBe(8);
      expect(statusAfter[1].flags & 8).toBe(0);
      expect(ofType(frames.slice(0, i), "STATUS").every((s) => (s.flags & 8) === 0)).toBe(true);
    }
    const i = run.findIndex((f, k) => k > 0 && f.type === "HELLO");
    const idxAfter = ofType(run.slice(i), "INDEX");
    expect(idxAfter[0].period_us).toBe(0);
    expect(idxAfter[1].period_us).toBeGreaterThan(300_000);
    expect(run.slice(i, i + 5).some((f) => f.type === "LATHE")).toBe(true);
  });

  it("a stalled board: a gap in SAMPLES times without a seq gap, then STATUS with the overflow flag and the dropped count", () => {
    const s = ofType(vib, "SAMPLES");
    const gaps = s.slice(1).map((f, k) => ({ dt: (f.t_us - s[k].t_us + 2 ** 32) % 2 ** 32, f, prev: s[k] }));
    const big = gaps.filter((g) => g.dt > 10_000);
    // One gap for the reset (~0.3 s), one for the stall (~1 s).
    expect(big.map((g) => Math.round(g.dt / 1e5) / 10).sort()).toEqual([0.3, 1]);
    const stall = big.find((g) => g.dt > 900_000)!;
    expect((stall.f.seq - stall.prev.seq + 65536) % 65536).toBeLessThan(5);
    const status = ofType(vib, "STATUS").filter((x) => x.flags & 4);
    expect(status.length).toBeGreaterThanOrEqual(1);
    expect(status.reduce((n, x) => n + x.dropped, 0)).toBe(100 * 32);
  });

  it("saturated sensors: raw 32767 / −32768 in the fault window and the STATUS over-range flag", () => {
    const vs = ofType(vib, "SAMPLES").filter((f) => Array.from(f.raw).some((r) => r === 32767 || r === -32768));
    expect(vs.length).toBeGreaterThan(10);
    const rs = ofType(run, "SAMPLES").filter((f) => Array.from(f.raw).some((r) => r === 32767));
    expect(rs.length).toBeGreaterThanOrEqual(14);
    expect(ofType(vib, "STATUS").filter((x) => x.flags & 1).length).toBeGreaterThanOrEqual(1);
    expect(ofType(run, "STATUS").filter((x) => x.flags & 1).length).toBeGreaterThanOrEqual(1);
    const t3 = (at(3) + 2 ** 32) % 2 ** 32;
    for (const f of vs) expect((f.t_us - t3 + 2 ** 32) % 2 ** 32).toBeLessThan(210_000);
  });

  it("sensor fault: zeros from the probe and STATUS bit 1, only then", () => {
    const st = ofType(run, "STATUS");
    const faulty = st.filter((x) => x.flags & 2);
    expect(faulty.length).toBeGreaterThanOrEqual(1);
    expect(faulty.length).toBeLessThanOrEqual(2);
    expect(ofType(vib, "STATUS").every((x) => (x.flags & 2) === 0)).toBe(true);
    const zeros = ofType(run, "SAMPLES").filter((f) => Array.from(f.raw).every((r) => r === 0));
    expect(zeros.length).toBeGreaterThanOrEqual(23);
    expect(zeros.length).toBeLessThanOrEqual(26);
  });

  it("corrupted bytes and lost chunks: bad frames and seq gaps, every other frame still decodes", () => {
    const clean = collect(new Simulator({ scenario: "good", jobs: 1, seed: 8 }));
    const bad = new Simulator({ scenario: "good", jobs: 1, seed: 8, faults: { corruptFrameP: 0.02, loseChunkP: 0.01, lineBoards: ["run"] } });
    const d2 = collect(bad);
    expect(d2.bad.vib).toBe(0);
    expect(d2.frames.vib.length).toBe(clean.frames.vib.length);
    expect(d2.bad.run).toBeGreaterThan(10);
    expect(bad.stats.lostChunks).toBeGreaterThan(5);
    const r = d2.frames.run;
    let gaps = 0;
    for (let i = 1; i < r.length; i++) if (r[i].seq !== ((r[i - 1].seq + 1) & 0xffff)) gaps++;
    expect(gaps).toBeGreaterThan(10);
    // Decoded frames are exactly the clean frames minus the damaged and lost ones.
    const cleanBySeq = new Map(clean.frames.run.map((f) => [f.seq, JSON.stringify(f)]));
    let same = 0;
    for (const f of r) if (cleanBySeq.get(f.seq) === JSON.stringify(f)) same++;
    expect(same).toBeGreaterThan(r.length * 0.9);
  });

  it("a bad fault plan is refused with the field named", () => {
    expect(() => new Simulator({ faults: { resets: [{ board: "xyz" as "vib", atS: 1 }] } })).toThrow(/faults\.resets\[0\]\.board/);
    expect(() => new Simulator({ faults: { corruptFrameP: 2 } })).toThrow(/faults\.corruptFrameP/);
    expect(() => new Simulator({ faults: { silences: [{ board: "run", atS: -1 }] } })).toThrow(/faults\.silences\[0\]\.atS/);
    expect(() => new Simulator({ blockMs: 0.3 })).toThrow(/multiple of 500/);
  });
});
