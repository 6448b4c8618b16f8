import Database from "better-sqlite3";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JobLog, MIGRATIONS, SCHEMA_VERSION, getJob, migrate } from "../../src/store/index.ts";
import { entry, tempDb } from "./support/records.ts";

/** Rows a log at schema version `v` can hold, written with that version's SQL only. */
function seedAt(file: string, v: number): void {
  const db = new Database(file);
  migrate(db, 0, v);
  if (v >= 1) {
    db.prepare(`INSERT INTO jobs (id, ordinal, logged_at, ended_at, status, passes) VALUES ('old-1', 1, 1000, 2000, 'complete', 2)`).run();
    db.prepare(`INSERT INTO labels (job_id, judder, source, time) VALUES ('old-1', 1, 'cli', 3000)`).run();
  }
  if (v >= 2) db.prepare(`INSERT INTO models (version, kind, created, blob, active) VALUES ('m1', 'judder', 1, x'00', 1)`).run();
  db.close();
}

describe("schema migrations", () => {
  it("are numbered 1..N in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it("create the whole schema from an empty file and from a file that does not exist", () => {
    const empty = tempDb();
    writeFileSync(empty, "");
    for (const file of [empty, tempDb()]) {
      const log = JobLog.open(file);
      expect(log.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const tables = log.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(["jobs", "features", "feature_names", "predictions", "labels", "events", "models", "model_events", "counters", "daily_totals", "captures"]));
      expect(log.db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(log.db.pragma("synchronous", { simple: true })).toBe(2); // FULL
      log.close();
    }
  });

  for (let v = 1; v < SCHEMA_VERSION; v++) {
    it(`bring a version-${v} log up to date, keeping its rows, and it works afterwards`, () => {
      const file = tempDb();
      seedAt(file, v);
      const log = JobLog.open(file);
      expect(log.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const old = getJob(log.db, "old-1")!;
      expect(old.status).toBe("complete");
      expect(old.passes).toBe(2);
      expect(old.labels).toEqual({ judder: true, dtvUm: null, raUm: null });
      if (v >= 2) expect(log.models.active("judder")?.version).toBe("m1");
      log.endJob(entry(7));
      expect(getJob(log.db, "job-7")?.status).toBe("complete");
      expect(log.tipWear().value).toBe(1);
      expect(log.integrityCheck()).toEqual(["ok"]);
      log.close();
    });
  }

  it("refuses a log written by a newer edgeprop, with the versions in the message", () => {
    const file = tempDb();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => JobLog.open(file)).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_SCHEMA_NEWER", message: expect.stringContaining(`${SCHEMA_VERSION + 1}`) }));
  });

  it("a migration that fails leaves the previous version intact", () => {
    const file = tempDb();
    seedAt(file, 1);
    const db = new Database(file);
    db.exec(`CREATE TABLE models (x)`); // makes migration 2 fail half-way
    expect(() => migrate(db, 1)).toThrow(/already exists/);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'model_events'`).pluck().get()).toBe(0);
    db.close();
  });
});
