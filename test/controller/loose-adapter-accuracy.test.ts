// The pipeline on simulator captures of loose hub adapters against the simulator's truth. A loose
// adapter rattles: the probe also sees a vibration that is not synchronous with the spindle, which
// is not the face's shape and must stay out of LRO (the datasheet: the shape, not the probe's
// noise), while the adapter's revolution-to-revolution wander of the 1st order is shape and stays.
// Seed 3: six complete jobs at 126–170 rpm (the rattle at rotation orders 4.0–5.4); before the
// probe's non-synchronous line was left out (NonSyncLine) their LRO read up to 3.7 µm high (mean
// +2.3 µm). Job 3 turns at 169.5 rpm, where the 11.3 Hz rattle is order 4.00 in the measure:
// synchronous there, it cannot be told from the face (+0.75 µm before the cut); it is found in the
// check from its 2nd revolution on (+0.73 µm after the cut, +1.54 without).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures, type FinishedJob } from "../../firmware-sim/index.ts";
import type { JobRecord } from "../../src/store/job-record.ts";
import { replayRecords } from "./support/replay-records.ts";

let dir: string;
let truth: FinishedJob[];
let records: JobRecord[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgeprop-loose-"));
  const sim = new Simulator({ scenario: "loose-adapter", jobs: 6, seed: 3 });
  writeCaptures(sim, dir);
  truth = sim.jobs;
  ({ records } = await replayRecords({ dir }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("replay of loose-adapter captures vs truth", () => {
  it("has loose adapters on every job", () => {
    expect(records.length).toBe(truth.length);
    for (const t of truth) expect(t.causes.looseWanderUm as number).toBeGreaterThan(0);
  });

  it("measures LRO before and after the cut within 1.5 µm despite the adapter's rattle", () => {
    for (const [i, r] of records.entries()) {
      const t = truth[i];
      expect(t.lroBeforeUm).not.toBeNull();
      expect(Math.abs(r.measured.lroPreUm! - t.lroBeforeUm!), `job ${t.job} pre`).toBeLessThanOrEqual(1.5);
      expect(t.residualLroUm).not.toBeNull();
      expect(Math.abs(r.measured.lroPostUm! - t.residualLroUm!), `job ${t.job} post`).toBeLessThanOrEqual(1.5);
    }
  });

  it("has a mean LRO error within 0.5 µm over the jobs' 12 figures (+2.3 µm before)", () => {
    const errors = records.flatMap((r, i) => [r.measured.lroPreUm! - truth[i].lroBeforeUm!, r.measured.lroPostUm! - truth[i].residualLroUm!]);
    expect(errors.length).toBe(12);
    expect(errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length).toBeLessThan(0.5);
  });
});
