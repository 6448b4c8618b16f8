// `edgeprop replay --db FILE`: the replay's jobs go into that job log (the job-log plugin added
// before the source), each equal to the record the replay prints, with features and labels; a
// second replay of other captures adds to the same log.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { edgeprop } from "./support/cli.ts";
import { loadInstallation } from "../../src/cli/pipeline.ts";
import { JobLog, countJobs, getJob, jobFeatures, type JobRecord } from "../../src/store/index.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => vi.restoreAllMocks());

describe("edgeprop replay --db", () => {
  it("writes every replayed job into the log, equal to the printed record, with its features and label", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-replay-db-"));
    dirs.push(dir);
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 8, keepRevolutions: false }), join(dir, "a"));
    writeCaptures(new Simulator({ scenario: "good", jobs: 2, seed: 9, keepRevolutions: false }), join(dir, "b"));
    const db = join(dir, "log", "job-log.sqlite");

    const r = await edgeprop("replay", "--dir", join(dir, "a"), "--labels", join(dir, "a", "labels.jsonl"), "--json", "--db", db);
    expect(r.err).not.toMatch(/ERROR|EP_ERR/);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/3 written to the job log/);
    const printed = r.out.trim().split("\n").map((l) => JSON.parse(l) as JobRecord);
    expect(printed).toHaveLength(3);
    const log = JobLog.open(db);
    try {
      for (const rec of printed) {
        const { session, loggedAt, endedAt, ...asRecord } = getJob(log.db, rec.id)!;
        expect(asRecord).toEqual(rec);
        expect(rec.labels).not.toBeNull();
        const revs = jobFeatures(log.db, rec.id);
        expect(revs.length).toBe(rec.revolutions.measure + rec.revolutions.cut + rec.revolutions.check);
        expect(log.featureNames(revs[0].namesVersion)).toEqual(expect.arrayContaining(["lroUm", "comp", "pass", "tool"]));
      }
    } finally {
      log.close();
    }

    const r2 = await edgeprop("replay", "--dir", join(dir, "b"), "--json", "--db", db);
    expect(r2.code).toBe(0);
    const again = JobLog.open(db);
    try {
      expect(countJobs(again.db)).toBe(5);
      expect(again.db.prepare(`SELECT count(DISTINCT session) FROM jobs`).pluck().get()).toBe(2);
    } finally {
      again.close();
    }
  }, 30_000);
});

describe("db paths in a config file", () => {
  it("a relative db is relative to the config file's folder; an absolute one is kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-config-db-"));
    dirs.push(dir);
    const file = join(dir, "edgeprop.yaml");
    const module = resolve("plugins/job-log/index.ts");
    writeFileSync(file, `plugins:\n  job-log:\n    module: ${module}\n    config: { db: logs/garage.sqlite }\n  other:\n    module: ${module}\n    config: { db: /srv/log.sqlite }\n`);
    const config = (await loadInstallation(file, process.stderr))!;
    expect((config.plugins["job-log"].config as { db: string }).db).toBe(join(dir, "logs", "garage.sqlite"));
    expect((config.plugins.other.config as { db: string }).db).toBe("/srv/log.sqlite");
  });
});
