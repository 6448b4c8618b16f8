import { existsSync, openSync, readFileSync, writeSync, closeSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { JobLog, countJobs } from "../../src/store/index.ts";
import { entry, tempDb } from "./support/records.ts";

function logWithJobs(n: number): string {
  const file = tempDb("corrupt");
  const log = JobLog.open(file, { owner: true });
  for (let i = 1; i <= n; i++) log.endJob(entry(i, 20));
  log.close();
  return file;
}

function overwrite(file: string, offset: number, bytes: number): void {
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(bytes, 0xa5), 0, bytes, offset);
  closeSync(fd);
}

describe("a damaged job log", () => {
  it("a file that is not a database: a clear error naming the file and the way out", () => {
    const file = logWithJobs(3);
    overwrite(file, 0, 100);
    let err: unknown;
    try {
      JobLog.open(file, { owner: true });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "EP_ERR_STORE_CORRUPT", file });
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/--fresh-log/);
    expect((err as Error).message).toMatch(/restore/);
    expect(existsSync(`${file}.lock`)).toBe(false); // a failed open leaves no lock behind
  });

  it("damaged pages inside a valid file are found by verify (quick_check)", () => {
    const file = logWithJobs(30);
    const size = readFileSync(file).length;
    overwrite(file, Math.floor(size / 2 / 4096) * 4096 + 8, 2000);
    expect(() => JobLog.open(file, { verify: true })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_CORRUPT" }));
  });

  it("--fresh-log moves the damaged file aside (bytes unchanged) and starts a new, working log", () => {
    const file = logWithJobs(3);
    overwrite(file, 0, 100);
    const damaged = readFileSync(file);
    const log = JobLog.open(file, { owner: true, freshLog: true });
    expect(log.movedAside).toMatch(/job-log\.sqlite\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(readFileSync(log.movedAside!)).toEqual(damaged);
    expect(countJobs(log.db)).toBe(0);
    log.endJob(entry(1));
    expect(countJobs(log.db)).toBe(1);
    log.close();
    expect(readdirSync(dirname(file)).filter((f) => f.includes("corrupt"))).toHaveLength(1);
  });
});
