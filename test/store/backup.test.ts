import Database from "better-sqlite3";
import { closeSync, existsSync, openSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { JobLog, backupDatabase, checkLogFile, countJobs, getJob, lockPath, restoreDatabase } from "../../src/store/index.ts";
import { entry, tempDb, tempDir } from "./support/records.ts";

describe("backup while the controller writes", () => {
  it("a second connection writing during the backup still gives a file that passes integrity_check", async () => {
    const file = tempDb("backup");
    const controller = JobLog.open(file, { owner: true });
    for (let n = 1; n <= 150; n++) controller.endJob(entry(n, 10));
    const before = countJobs(controller.db);
    const other = JobLog.open(file); // the backup runs on its own connection, as the CLI does
    const dest = join(tempDir("backup"), "copy.sqlite");
    let steps = 0;
    let writesDuringBackup = 0;
    let done = false;
    let n = 1000;
    const writer = (): void => {
      if (done || writesDuringBackup >= 25) return;
      controller.endJob(entry(n++, 10));
      writesDuringBackup++;
      setImmediate(writer);
    };
    setImmediate(writer);
    const pages = await backupDatabase(other.db, dest, { pagesPerStep: 40, progress: () => steps++ });
    done = true;
    expect(writesDuringBackup).toBeGreaterThan(0);
    expect(steps).toBeGreaterThan(3);
    expect(pages).toBeGreaterThan(40);
    const checked = checkLogFile(dest);
    expect(checked.jobs).toBeGreaterThanOrEqual(before);
    expect(checked.jobs).toBeLessThanOrEqual(before + writesDuringBackup);
    const copy = new Database(dest, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    // Every job in the copy is whole: its features came with it (one committed state).
    const partial = copy.prepare(`SELECT count(*) FROM jobs WHERE status = 'complete' AND (SELECT count(*) FROM features f WHERE f.job_id = jobs.id) != 10`).pluck().get();
    expect(partial).toBe(0);
    copy.close();
    other.close();
    controller.close();
  });
});

describe("restore", () => {
  function makeBackup(jobs: number): string {
    const src = tempDb("restore-src");
    const log = JobLog.open(src);
    for (let n = 1; n <= jobs; n++) log.endJob(entry(n, 2));
    log.models.register({ version: "j-1", kind: "judder", blob: new Uint8Array([1, 2]), activate: true });
    log.close();
    return src;
  }

  it("replaces the log with a checked backup and keeps the old log aside", () => {
    const backup = makeBackup(4);
    const file = tempDb("restore");
    const cur = JobLog.open(file);
    cur.endJob(entry(99));
    cur.close();
    const r = restoreDatabase(backup, file);
    expect(r).toMatchObject({ jobs: 4, models: 1, schemaVersion: 3 });
    expect(r.keptAs).toMatch(/before-restore-/);
    const kept = new Database(r.keptAs!, { readonly: true });
    expect(kept.prepare(`SELECT id FROM jobs`).pluck().all()).toEqual(["job-99"]);
    kept.close();
    const log = JobLog.open(file);
    expect(countJobs(log.db)).toBe(4);
    expect(getJob(log.db, "job-99")).toBeNull();
    expect(log.models.active("judder")?.version).toBe("j-1");
    log.close();
    expect(existsSync(lockPath(file))).toBe(false);
  });

  it("refuses while a controller (live pid in the lock file) holds the log, touching nothing", () => {
    const backup = makeBackup(1);
    const file = tempDb("restore");
    JobLog.open(file).close();
    writeFileSync(lockPath(file), `${process.ppid}\n`);
    expect(() => restoreDatabase(backup, file)).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_LOCKED", message: expect.stringMatching(/stop it first/) }));
    expect(readdirSync(dirname(file)).filter((f) => f.includes("before-restore"))).toHaveLength(0);
  });

  it("refuses a damaged file, a non-log SQLite file and a missing file", () => {
    const file = tempDb("restore");
    const damaged = makeBackup(40);
    const db = new Database(damaged);
    db.pragma("journal_mode = DELETE");
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.close();
    const buf = Buffer.alloc(4096, 0x5a);
    const fd = openSync(damaged, "r+");
    writeSync(fd, buf, 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    expect(() => restoreDatabase(damaged, file)).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_RESTORE_CHECK", message: expect.stringMatching(/integrity_check|malformed/) }));
    const plain = tempDb("plain");
    const p = new Database(plain);
    p.exec("CREATE TABLE t (x)");
    p.close();
    expect(() => restoreDatabase(plain, file)).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_RESTORE_CHECK", message: expect.stringMatching(/no job-log schema/) }));
    expect(() => restoreDatabase(join(tempDir(), "none.sqlite"), file)).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_RESTORE_CHECK" }));
    expect(existsSync(file)).toBe(false);
  });
});
