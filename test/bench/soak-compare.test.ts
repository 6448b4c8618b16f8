// The soak benchmark's verdict (bench/soak/compare.ts) must be able to fail: a job log that agrees
// with the simulator's truth gives no mismatch, and one changed job, a missed fault or a lost job each
// show up, named. Also: the board-status line the soak reads its drop counts from still parses.
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { Reason } from "../../src/controller/job-tracker.ts";
import { DecoderCounters } from "../../src/protocol/index.ts";
import { statusLine } from "../../plugins/boards/status.ts";
import type { BoardSet } from "../../src/transport/board-set.ts";
import { compareJobLog, expectationOf } from "../../bench/soak/compare.ts";
import { parseStatusLine } from "../../bench/soak/report.ts";
import { truthJob, type FaultWindow, type LoggedJob, type TruthJob } from "../../bench/soak/truth.ts";

// 4 jobs of good discs with the board clock 20 s before its 2^32 µs wrap: jobs on both sides of it
const CLOCK = 4294967296 - 20e6;
const sim = new Simulator({ scenario: "good", jobs: 4, seed: 3, clockStartUs: CLOCK, keepRevolutions: false });
for (const _ of sim.chunks());
const truth: TruthJob[] = sim.jobs.map(truthJob);

/** What a perfect controller would log. */
function perfect(t: TruthJob): LoggedJob {
  return {
    ordinal: t.job, boardStartUs: t.boardStartUs, status: "complete", reason: null, passes: t.recut ? 2 : 1,
    rpm: t.rpm, lroPreUm: t.lroBeforeUm, lroPostUm: t.residualLroUm, revs: t.phaseRevs, lineDamage: 0,
  };
}

describe("soak comparison of the job log with the simulator's truth", () => {
  it("finds nothing wrong with a log that agrees, across the clock wrap", () => {
    expect(truth.some((t) => t.boardStartUs < 20e6) && truth.some((t) => t.boardStartUs > CLOCK)).toBe(true);
    const c = compareJobLog(truth, truth.map(perfect), [], CLOCK);
    expect(c.mismatches).toEqual([]);
    expect([c.matched, c.expected.complete, c.revolutionDeficit.revs]).toEqual([4, 4, 0]);
  });

  it("names a job whose LRO, status or start differs, and a job missing from the log", () => {
    const logged = truth.map(perfect);
    logged[1] = { ...logged[1], lroPreUm: logged[1].lroPreUm! + 2 };
    logged[2] = { ...logged[2], status: "interrupted", reason: Reason.VIB_LOST };
    const c = compareJobLog(truth, logged, [], CLOCK);
    expect(c.mismatches.map((m) => [m.job, m.what])).toEqual([
      [2, "LRO before the cut (µm)"],
      [3, "status"],
    ]);
    const gone = compareJobLog(truth, [logged[0], ...logged.slice(2).map((l) => ({ ...l, ordinal: l.ordinal! - 1 }))], [], CLOCK);
    expect(gone.mismatches.map((m) => [m.job, m.what])).toContainEqual([2, "job missing from the log"]);
  });

  it("expects a job hit by an unplug or a RUN reboot to be interrupted, and says so when it is not", () => {
    const t = truth[1];
    const mid = (t.startSimUs + t.endSimUs) / 2;
    const unplug: FaultWindow = { kind: "unplug", board: "run", fromSimUs: mid, toSimUs: mid + 20e6 };
    expect(expectationOf(t, [unplug])).toEqual({ kind: "interrupted", reason: Reason.RUN_LOST, byFault: true });
    expect(expectationOf(t, [{ kind: "reset", board: "run", fromSimUs: mid, toSimUs: mid + 3e5 }])).toMatchObject({ reason: Reason.RUN_RESET });
    expect(expectationOf(t, [{ kind: "reset", board: "vib", fromSimUs: mid, toSimUs: mid + 3e5 }])).toEqual({ kind: "complete", passes: 1 });
    const c = compareJobLog(truth, truth.map(perfect), [unplug], CLOCK);
    expect(c.mismatches.map((m) => [m.job, m.what, m.got])).toEqual([[2, "status", "complete"]]);
    expect(c.mismatches[0].faults).toMatch(/run unplug/);
    // the next job starts while the board is away: not judged, listed apart
    expect(c.notJudged.map((n) => n.job)).toEqual([3]);
  });

  it("takes a second record after a RUN reboot in a measure as the tracker's restart, not a mismatch", () => {
    const t = truth[1];
    const at = t.startSimUs + 1e6;
    const reboot: FaultWindow = { kind: "reset", board: "run", fromSimUs: at, toSimUs: at + 3e5 };
    const again = { ...perfect(t), ordinal: 3, boardStartUs: (CLOCK + at + 4e5) % 4294967296 };
    const logged = [perfect(truth[0]), { ...perfect(t), status: "interrupted", reason: Reason.RUN_RESET }, again, ...truth.slice(2).map((x) => ({ ...perfect(x), ordinal: x.job + 1 }))];
    const c = compareJobLog(truth, logged, [reboot], CLOCK);
    expect(c.mismatches).toEqual([]);
    expect(c.restarts).toEqual([{ job: 2, ordinal: 3, got: "complete" }]);
    // without the reboot the same second record is a job logged twice
    const d = compareJobLog(truth, logged.map((l, i) => (i === 1 ? perfect(t) : l)), [], CLOCK);
    expect(d.mismatches.map((m) => m.what)).toContain("job logged twice");
  });

  it("reads the boards plugin's status line (drops by reason)", () => {
    const counters = new DecoderCounters();
    counters.droppedByReason[2] = 7; // crc
    counters.droppedByReason[0] = 2; // cobs
    counters.totals[3] = 40; // lost frames
    const link = { state: "ready", hello: { rate_hz: 3200 }, decoder: { counters }, stats: { reconnects: 3 } };
    const line = statusLine({ links: new Map([["vib", link]]) } as unknown as BoardSet, true);
    const parsed = parseStatusLine(line);
    expect(parsed.vib).toMatchObject({ dropped: 9, byReason: { cobs: 2, crc: 7 }, lostFrames: 40, reconnects: 3 });
    expect(parsed.run).toBeUndefined();
  });
});
