import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureStore, JobLog, countJobs, getJob, type CaptureFs } from "../../src/store/index.ts";
import { entry, tempDir } from "./support/records.ts";

const chunk = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

function setup(quotaBytes: number, fsImpl?: CaptureFs) {
  const dir = tempDir("cap");
  const log = JobLog.open(join(dir, "job-log.sqlite"));
  let t = 0;
  const events: string[] = [];
  const caps = new CaptureStore(log.db, { dir: join(dir, "captures"), quotaBytes, fs: fsImpl, now: () => ++t, onEvent: (type) => events.push(type) });
  return { dir, log, caps, events };
}

describe("raw captures under a quota", () => {
  it("writes both boards' bytes per job and records their size", () => {
    const { log, caps } = setup(10_000);
    caps.begin("job-1");
    expect(caps.append("vib", chunk(300))).toBe(true);
    expect(caps.append("run", chunk(100))).toBe(true);
    expect(caps.append("vib", chunk(200))).toBe(true);
    caps.finish();
    const list = caps.list();
    expect(list.map((c) => [c.jobId, c.board, c.bytes, c.state])).toEqual([["job-1", "vib", 500, "complete"], ["job-1", "run", 100, "complete"]]);
    expect(fs.statSync(list[0].path).size).toBe(500);
    expect(caps.usedBytes()).toBe(600);
    log.close();
  });

  it("deletes the oldest unpinned captures first to make room, never pinned ones", () => {
    const { log, caps, events } = setup(1000);
    for (const job of ["a", "b", "c"]) {
      caps.begin(job);
      caps.append("vib", chunk(300));
    }
    caps.finish();
    caps.pin("a");
    caps.begin("d");
    expect(caps.append("vib", chunk(300))).toBe(true); // 1200 > 1000: b (oldest unpinned) goes
    expect(caps.list().map((c) => c.jobId)).toEqual(["a", "c", "d"]);
    expect(caps.append("run", chunk(300))).toBe(true); // c goes; a is pinned
    expect(caps.list().map((c) => c.jobId)).toEqual(["a", "d", "d"]);
    expect(events.filter((e) => e === "capture.evicted")).toHaveLength(2);
    expect(fs.existsSync(join(caps.list()[0].path, "..", "..", "b", "vib.bin"))).toBe(false);
    // Only pinned and the current job left: this job's capture stops, marked truncated.
    expect(caps.append("vib", chunk(200))).toBe(false);
    expect(events).toContain("capture.quota");
    expect(caps.list().filter((c) => c.jobId === "d").map((c) => c.state)).toEqual(["truncated", "truncated"]);
    expect(caps.usedBytes()).toBeLessThanOrEqual(1000);
    // The next job captures again (after evicting the truncated one).
    caps.begin("e");
    expect(caps.append("vib", chunk(300))).toBe(true);
    log.close();
  });

  it("a full disk (injected ENOSPC mid-write) stops raw capture and is reported; the log keeps working", () => {
    let budget = 500;
    const full: CaptureFs = {
      ...(fs as unknown as CaptureFs),
      writeSync(fd, buf, off, len) {
        if (budget <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        const n = Math.min(len, budget);
        budget -= n;
        return fs.writeSync(fd, buf, off, n);
      },
    };
    const { log, caps, events } = setup(1 << 20, full);
    log.endJob(entry(1));
    caps.begin("job-2");
    expect(caps.append("vib", chunk(400))).toBe(true);
    expect(caps.append("vib", chunk(400))).toBe(false); // 100 bytes fit, then ENOSPC
    expect(caps.state).toBe("disk-full");
    expect(events).toEqual(["capture.disk-full"]);
    expect(caps.append("run", chunk(10))).toBe(false);
    caps.begin("job-3");
    expect(caps.append("run", chunk(10))).toBe(false); // stays stopped
    expect(caps.list()).toMatchObject([{ jobId: "job-2", board: "vib", bytes: 500, state: "truncated" }]);
    expect(log.events({ type: "capture.disk-full" })[0].message).toMatch(/disk full/);
    log.endJob(entry(2));
    expect(countJobs(log.db)).toBe(2);
    expect(log.integrityCheck()).toEqual(["ok"]);
    log.close();
  });

  it("a capture left 'writing' by a crash is sized from its file and marked truncated on the next open", () => {
    const { dir, log, caps } = setup(10_000);
    caps.begin("job-1");
    caps.append("vib", chunk(123));
    // no finish(): the process dies here
    const again = new CaptureStore(log.db, { dir: join(dir, "captures"), quotaBytes: 10_000 });
    expect(again.list()).toMatchObject([{ jobId: "job-1", bytes: 123, state: "truncated" }]);
    expect(again.usedBytes()).toBe(123);
    log.close();
  });
});

// A real full disk: a 1 MiB tmpfs. Needs privileges to mount (root here; CI without them skips).
const mountDir = tempDir("tmpfs");
let mounted = false;
try {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountDir], { stdio: "ignore" });
  mounted = true;
} catch {
  mounted = false;
}
afterAll(() => {
  if (mounted) execFileSync("umount", ["-l", mountDir]);
});

describe.skipIf(!mounted)("a real full disk (1 MiB tmpfs; skipped when mount is not permitted)", () => {
  it("captures stop at ENOSPC, SQLite's SQLITE_FULL is a clear error, nothing stored is damaged, and writing resumes once space is freed", () => {
    const file = join(mountDir, "job-log.sqlite");
    const log = JobLog.open(file, { owner: true });
    const events: string[] = [];
    const caps = new CaptureStore(log.db, { dir: join(mountDir, "captures"), quotaBytes: 1 << 30, onEvent: (t) => events.push(t) });
    for (let n = 1; n <= 3; n++) log.endJob(entry(n, 10));
    caps.begin("job-4");
    let appended = 0;
    while (caps.append("vib", chunk(64 * 1024, 7))) appended++;
    expect(appended).toBeGreaterThan(2);
    expect(caps.state).toBe("disk-full");
    expect(events).toContain("capture.disk-full");
    // The disk is full now: ending a job with features cannot commit; the error says so.
    let err: unknown;
    for (let n = 4; n < 200 && !err; n++) {
      try {
        log.endJob(entry(n, 40));
      } catch (e) {
        err = e;
      }
    }
    expect(err).toMatchObject({ code: "EP_ERR_STORE_FULL", message: expect.stringMatching(/disk full: could not commit the end of job job-\d+/) });
    expect(log.integrityCheck()).toEqual(["ok"]);
    for (let n = 1; n <= 3; n++) expect(getJob(log.db, `job-${n}`)?.status).toBe("complete");
    // Free the space the capture took: the log writes again.
    fs.rmSync(join(mountDir, "captures"), { recursive: true });
    log.endJob(entry(500, 10));
    expect(getJob(log.db, "job-500")?.status).toBe("complete");
    log.close();
    const reopened = JobLog.open(file);
    expect(reopened.integrityCheck()).toEqual(["ok"]);
    reopened.close();
  });
});
