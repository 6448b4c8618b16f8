// Replay results depend only on the captures: the same records for any read size, across the
// board clock's 2^32 wrap; a rebooting RUN board interrupts its job, a rebooting VIB board drops the
// revolutions across the reboot; corrupted frames cost revolutions, not jobs; a label whose
// boardStartUs disagrees with its job is refused and reported.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures, type SimOptions } from "../../firmware-sim/index.ts";
import { Reason } from "../../src/controller/job-tracker.ts";
import { replayRecords } from "./support/replay-records.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function captures(opts: SimOptions): { dir: string; sim: Simulator } {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-faults-"));
  dirs.push(dir);
  const sim = new Simulator({ keepRevolutions: false, ...opts });
  writeCaptures(sim, dir);
  return { dir, sim };
}

describe("replay", () => {
  it("gives the same records whatever the read size, across the clock wrap", async () => {
    const { dir, sim } = captures({ scenario: "good", jobs: 3, seed: 11, clockStartUs: 4294967296 - 20_000_000 });
    const a = await replayRecords({ dir, readBytes: 256 });
    const b = await replayRecords({ dir, readBytes: 1 << 20 });
    expect(a.records.length).toBe(3);
    expect(JSON.stringify(a.records)).toBe(JSON.stringify(b.records));
    expect(a.records.map((r) => r.boardStartUs)).toEqual(sim.jobs.map((j) => j.boardStartUs));
    expect(a.records.some((r) => r.boardStartUs < 20_000_000)).toBe(true); // a job after the wrap
    for (const [i, r] of a.records.entries()) expect(Math.abs(r.measured.lroPreUm! - sim.jobs[i].lroBeforeUm!)).toBeLessThanOrEqual(1.5);
  });

  it("interrupts the job of a RUN board that reboots, and the next job is whole again", async () => {
    // job 1 runs ~2.7–15 s of sim time: reboot RUN at 8 s (in its cut)
    const { dir, sim } = captures({ scenario: "good", jobs: 2, seed: 5, faults: { resets: [{ board: "run", atS: 8 }] } });
    const { records } = await replayRecords({ dir });
    expect(sim.jobs[0].startSimUs).toBeLessThan(8e6);
    expect(sim.jobs[0].endSimUs).toBeGreaterThan(8.4e6);
    expect([records[0].status, records[0].reason]).toEqual(["interrupted", Reason.RUN_RESET]);
    expect((records[0].frames.run as Record<string, number>).resets).toBe(1);
    const last = records.at(-1)!;
    expect(last.status).toBe("complete");
    expect(Math.abs(last.measured.lroPreUm! - sim.jobs[1].lroBeforeUm!)).toBeLessThanOrEqual(1.5);
  });

  it("drops the revolutions across a VIB reboot and notes it, keeping the job", async () => {
    const clean = captures({ scenario: "good", jobs: 1, seed: 6 });
    const faulty = captures({ scenario: "good", jobs: 1, seed: 6, faults: { resets: [{ board: "vib", atS: 9 }] } });
    const [a, b] = [(await replayRecords({ dir: clean.dir })).records[0], (await replayRecords({ dir: faulty.dir })).records[0]];
    expect(b.status).toBe("complete");
    expect(b.alarms.map((x) => (x as { code: string }).code)).toContain("vib-reset");
    const total = (r: typeof a) => r.revolutions.measure + r.revolutions.cut + r.revolutions.check;
    // 0.3 s dark at ~150 rpm: the revolution(s) it touches are gone, no more
    expect(total(a) - total(b)).toBeGreaterThanOrEqual(1);
    expect(total(a) - total(b)).toBeLessThanOrEqual(3);
    expect(b.measured.lroPreUm).toBe(a.measured.lroPreUm);
  });

  it("loses revolutions, not jobs, to corrupted frames", async () => {
    const { dir, sim } = captures({ scenario: "good", jobs: 3, seed: 7, faults: { corruptFrameP: 0.002 } });
    const { records } = await replayRecords({ dir });
    expect(records.map((r) => r.status)).toEqual(["complete", "complete", "complete"]);
    for (const [i, r] of records.entries()) {
      expect((r.frames.vib as Record<string, number>).dropped + (r.frames.run as Record<string, number>).dropped).toBeGreaterThan(0);
      expect(Math.abs(r.measured.lroPreUm! - sim.jobs[i].lroBeforeUm!)).toBeLessThanOrEqual(1.5);
    }
  });

  it("refuses a label whose boardStartUs is not its job's, and reports it", async () => {
    const { dir, sim } = captures({ scenario: "good", jobs: 2, seed: 8 });
    const file = join(dir, "bad-labels.jsonl");
    writeFileSync(file, [
      JSON.stringify({ job: 1, boardStartUs: sim.jobs[0].boardStartUs + 1, judder: true, dtvUm: 20 }),
      JSON.stringify({ job: 2, boardStartUs: sim.jobs[1].boardStartUs, judder: false, raUm: 0.9 }),
    ].join("\n"));
    const { records, metrics } = await replayRecords({ dir, labels: file });
    expect(records[0].labels).toBeNull();
    expect(records[0].alarms).toContainEqual(expect.objectContaining({ code: "label-refused" }));
    expect(records[1].labels).toEqual({ judder: false, dtvUm: null, raUm: 0.9 });
    expect(metrics.find((m) => m.name === "job-records.labelsRefused")).toMatchObject({ value: 1 });
  });
});
