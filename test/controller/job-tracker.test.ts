// The job tracker on scripted LATHE / INDEX sequences: the datasheet's job, phase and revolution rules.
import { describe, expect, it } from "vitest";
import { JobTracker, Out, PHASE_EVENT, Reason } from "../../src/controller/job-tracker.ts";
import { NO_PHASE, StreamKind } from "../../src/controller/channels.ts";

interface Ev {
  kind: string;
  ordinal: number;
  t: number;
  period?: number;
  phase?: number;
  comp?: number;
  pass?: number;
  tool?: number;
}
const NAMES: Record<number, string> = { [StreamKind.START]: "start", [StreamKind.REV]: "rev", [StreamKind.CUT_END]: "cut-end", [StreamKind.END]: "end", [PHASE_EVENT]: "phase" };

function tracker(): { t: JobTracker; events: Ev[] } {
  const events: Ev[] = [];
  const t: JobTracker = new JobTracker((kind) => {
    const o = t.out;
    const e: Ev = { kind: NAMES[kind], ordinal: o[Out.ORDINAL], t: o[Out.T] };
    if (kind === StreamKind.REV) Object.assign(e, { period: o[Out.PERIOD], phase: o[Out.PHASE], comp: o[Out.COMP], pass: o[Out.PASS], tool: o[Out.TOOL] });
    if (kind === PHASE_EVENT) Object.assign(e, { phase: o[Out.PHASE], pass: o[Out.PASS] });
    events.push(e);
  });
  return { t, events };
}

describe("JobTracker", () => {
  it("runs a job idle → measure → cut → check → idle with phases, compensation and tool", () => {
    const { t, events } = tracker();
    // [time µs, state, tool 0.01 mm, flags]; a LATHE at a mark's exact time comes after that INDEX
    const lathe: [number, number, number, number][] = [
      [0, 0, 0, 0], [1_000_000, 1, 0, 0], [1_900_000, 1, 0, 1], [2_500_000, 2, 0, 1], [3_300_000, 2, 1500, 1], [4_100_000, 3, 2000, 1], [5_000_000, 0, 0, 0],
    ];
    let li = 0;
    for (let m = 600_000; m <= 5_400_000; m += 400_000) {
      while (li < lathe.length && lathe[li][0] < m) {
        const [lt, st, tool, fl] = lathe[li++];
        t.onLathe(lt, lt, st, tool, fl);
      }
      t.onIndex(m, m === 600_000 ? 0 : 400_000);
    }
    for (; li < lathe.length; li++) t.onLathe(lathe[li][0], lathe[li][0], lathe[li][1], lathe[li][2], lathe[li][3]);
    expect(events.filter((e) => e.kind !== "rev").map((e) => [e.kind, e.phase])).toEqual([
      ["start", undefined], ["phase", 2], ["cut-end", undefined], ["phase", 3], ["end", undefined],
    ]);
    const revs = events.filter((e) => e.kind === "rev");
    // [1.0, 1.4) is the first (the job starts at 1.0); the flag at 1.9 does not change the phase but
    // only revolutions starting after it are compensated; a state change inside → no phase
    expect(revs.map((r) => [r.t / 1000, r.phase, r.comp])).toEqual([
      [1000, 1, 0], [1400, 1, 0], [1800, 1, 0], [2200, NO_PHASE, 1], [2600, 2, 1], [3000, 2, 1], [3400, 2, 1],
      [3800, NO_PHASE, 1], [4200, 3, 1], [4600, 3, 1],
    ]);
    expect(revs.map((r) => r.period)).toEqual(revs.map(() => 400_000));
    expect(revs.find((r) => r.t === 3_400_000)!.tool).toBe(15);
    expect(revs.find((r) => r.t === 2_600_000)!.tool).toBe(0);
    expect(t.reason).toBeNull();
  });

  it("counts every start and ends aborted or skipping jobs interrupted with the reason", () => {
    const { t, events } = tracker();
    const ends: (string | null)[] = [];
    const seq: [number, number][] = [[0, 0], [1, 1], [2, 0], [3, 1], [4, 2], [5, 0], [6, 1], [7, 3], [8, 0], [9, 1], [10, 2], [11, 3], [12, 2], [13, 3], [14, 0]];
    for (const [s, state] of seq) {
      t.onLathe(s * 1e6, s * 1e6, state, 0, 0);
      if (state === 0 && events.at(-1)?.kind === "end") ends.push(t.reason);
    }
    expect(events.filter((e) => e.kind === "start").map((e) => e.ordinal)).toEqual([1, 2, 3, 4]);
    expect(ends).toEqual([Reason.ABORT_MEASURE, Reason.ABORT_CUT, Reason.SKIP_CUT, null]);
    expect(t.passes).toBe(2); // the last job had a re-cut
    expect(events.filter((e) => e.kind === "cut-end").map((e) => e.ordinal)).toEqual([4, 4]);
  });

  it("starts only from idle or an unknown state, and stops a job when the RUN board reboots", () => {
    const { t, events } = tracker();
    t.onLathe(0, 0, 2, 0, 0); // controller started mid-cut: no job
    t.onLathe(1e6, 1e6, 3, 0, 0);
    expect(events).toEqual([]);
    t.onLathe(2e6, 2e6, 0, 0, 0);
    t.onLathe(3e6, 3e6, 1, 0, 0);
    t.onLathe(4e6, 4e6, 2, 0, 0);
    t.onRunReset(4.5e6);
    expect(events.map((e) => e.kind)).toEqual(["start", "phase", "end"]);
    expect(t.reason).toBe(Reason.RUN_RESET);
    t.onLathe(5e6, 5e6, 2, 0, 0); // still cutting after the reboot: not a start
    t.onLathe(6e6, 6e6, 0, 0, 0);
    t.onLathe(7e6, 7e6, 1, 0, 0);
    expect(events.filter((e) => e.kind === "start").length).toBe(2);
  });

  it("drops a revolution whose marks do not pair (lost INDEX, seq gap)", () => {
    const { t, events } = tracker();
    t.onLathe(0, 0, 1, 0, 0);
    t.onIndex(100_000, 0);
    t.onIndex(500_000, 400_000);
    t.onIndex(1_300_000, 400_000); // the mark at 900 000 was lost
    t.onIndex(1_700_000, 400_000);
    t.onRunDiscontinuity();
    t.onIndex(2_100_000, 400_000);
    t.onIndex(2_500_000, 400_000);
    expect(events.filter((e) => e.kind === "rev").map((e) => e.t)).toEqual([100_000, 1_300_000, 2_100_000]);
    expect(t.unpaired).toBe(1); // the gap's mark had no known previous mark to pair with
  });

  it("ends a running job interrupted when a board goes away or the captures end", () => {
    for (const reason of [Reason.VIB_LOST, Reason.RUN_LOST, Reason.END_OF_CAPTURE]) {
      const { t, events } = tracker();
      t.onLathe(0, 0, 1, 0, 0);
      t.onLathe(1e6, 1e6, 2, 0, 0);
      t.onGone(1.5e6, reason);
      expect(events.at(-1)).toMatchObject({ kind: "end", ordinal: 1, t: 1.5e6 });
      expect([t.inJob, t.reason]).toEqual([false, reason]);
      t.onLathe(2e6, 2e6, 2, 0, 0); // the lathe goes on cutting: no new job until idle → measure
      expect(events.filter((e) => e.kind === "start").length).toBe(1);
    }
  });
});

