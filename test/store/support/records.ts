// Job records and entries for the job-log tests, shaped exactly as issue 4's job record.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobLogEntry, JobRecord } from "../../../src/store/index.ts";

export function tempDir(tag = "store"): string {
  return mkdtempSync(join(tmpdir(), `edgeprop-${tag}-`));
}

export function tempDb(tag = "store"): string {
  return join(tempDir(tag), "job-log.sqlite");
}

export function record(n: number, over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: `job-${n}`,
    ordinal: n,
    boardStartUs: 1_000_000 * n,
    startedAt: new Date(Date.UTC(2026, 10, 28, 9, 0, n)).toISOString(),
    status: "complete",
    reason: null,
    revolutions: { measure: 10, cut: 25, check: 5 },
    passes: 1,
    measured: { rpm: 122.5, lroPreUm: 40 + n, lroPostUm: 8.5 },
    judder: { p: 0.25, flag: false, source: "rule", modelVersion: null },
    cutQuality: { lroPostUm: 9, raUm: 1.6, source: "model", modelVersion: "cq-1" },
    alarms: [],
    labels: null,
    meta: null,
    frames: { vib: { ok: 100, bad: 0 }, run: { ok: 100, bad: 1 } },
    ...over,
  };
}

export const NAMES = Array.from({ length: 60 }, (_, i) => `f${i}`);

/** A job's entry with `revs` revolutions of `NAMES.length` features each (values from n and rev). */
export function entry(n: number, revs = 4, over: Partial<JobRecord> = {}): JobLogEntry {
  const phases = ["measure", "cut", "check"] as const;
  return {
    record: record(n, over),
    features: { namesVersion: 1, names: NAMES },
    revolutions: Array.from({ length: revs }, (_, r) => ({
      phase: phases[Math.min(2, Math.floor((r * 3) / revs))],
      index: r,
      boardUs: 1_000_000 * n + r * 490_000,
      values: Float64Array.from(NAMES, (_, k) => n * 1000 + r + k / 64),
    })),
  };
}
