// Per-job raw captures (plugin job-captures) under the replay pipeline, the source publishing
// `boards.raw` (replay-source `raw: true`, as the live boards plugin does): each job gets its
// vib.bin / run.bin in the log, each replays to that job's record; a small quota deletes the oldest
// unpinned; a full disk (injected ENOSPC) stops capture with a report while jobs keep being logged.
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { createJobCapturesPlugin } from "../../plugins/job-captures/index.ts";
import { CaptureStore, JobLog, type CaptureFs } from "../../src/store/index.ts";
import { runJobs } from "../../src/cli/jobs.ts";
import { essence, replay } from "./support/job-captures.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => vi.restoreAllMocks());

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "edgeprop-job-captures-"));
  dirs.push(d);
  return d;
}

describe("job-captures plugin", () => {
  it("captures each job's bytes of both boards; each capture replays to that job's record", async () => {
    const dir = tempDir();
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 31, keepRevolutions: false }), dir);
    const file = join(dir, "log", "job-log.sqlite");
    const run = await replay(dir, { file, captures: {} });
    expect(run.records).toHaveLength(3);
    expect(run.metric("job-captures.dropped")).toBe(0);

    const log = JobLog.open(file);
    const store = new CaptureStore(log.db, { dir: join(dir, "log", "captures"), quotaBytes: 1 << 30 });
    const caps = store.list();
    const folders = run.records.map((r) => store.folderOf(r.id));
    log.close();
    expect(caps).toHaveLength(6);
    expect(caps.every((c) => c.state === "complete" && c.bytes > 0 && fs.statSync(c.path).size === c.bytes)).toBe(true);
    for (let i = 0; i < run.records.length; i++) {
      expect(folders[i]).not.toBeNull();
      const again = await replay(folders[i]!);
      expect(again.records).toHaveLength(1);
      const { id, ordinal, startedAt, ...replayed } = again.records[0];
      void id, ordinal, startedAt;
      expect(replayed).toEqual(essence(run.records[i]));
    }
  }, 15_000);

  it("keeps a small quota by deleting the oldest unpinned job's capture", async () => {
    const dir = tempDir();
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 32, keepRevolutions: false }), dir);
    const whole = fs.statSync(join(dir, "vib.bin")).size + fs.statSync(join(dir, "run.bin")).size;
    const file = join(dir, "log", "job-log.sqlite");
    // room for about one and a half jobs' captures
    const quotaMb = (whole / 2) / (1024 * 1024);
    const run = await replay(dir, { file, captures: { quotaMb, prerollKb: 8 } });
    expect(run.records).toHaveLength(3);
    const log = JobLog.open(file);
    const left = new CaptureStore(log.db, { dir: join(dir, "log", "captures"), quotaBytes: 1 << 30 }).list();
    const jobs = [...new Set(left.map((c) => c.jobId))];
    log.close();
    expect(jobs).not.toContain(run.records[0].id);
    expect(jobs).toContain(run.records[2].id);
    expect(fs.existsSync(join(dir, "log", "captures", run.records[0].id.replace(/[^A-Za-z0-9._-]/g, "_"), "vib.bin"))).toBe(false);
    expect(run.metric("job-captures.evicted")).toBeGreaterThanOrEqual(2); // job 1's vib.bin and run.bin
    expect(left.reduce((n, c) => n + c.bytes, 0)).toBeLessThanOrEqual(Math.floor(quotaMb * 1024 * 1024));
  }, 15_000);

  it("never deletes a capture pinned with `edgeprop jobs pin`; `jobs capture` prints its folder", async () => {
    const dir = tempDir();
    writeCaptures(new Simulator({ scenario: "good", jobs: 2, seed: 34, keepRevolutions: false }), join(dir, "a"));
    writeCaptures(new Simulator({ scenario: "good", jobs: 2, seed: 35, keepRevolutions: false }), join(dir, "b"));
    const file = join(dir, "log", "job-log.sqlite");
    const first = await replay(join(dir, "a"), { file, captures: {} });
    expect(first.records).toHaveLength(2);
    const [pinned, unpinned] = first.records.map((r) => r.id);
    const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = "";
      let err = "";
      const code = await runJobs([...args, "--db", file], { write: (s: string) => ((out += s), true) }, { write: (s: string) => ((err += s), true) });
      return { code, out, err };
    };
    expect((await cli("pin", pinned)).out).toMatch(/pinned/);
    const shown = await cli("capture", pinned);
    expect(shown.code).toBe(0);
    expect(fs.existsSync(join(shown.out.trim(), "vib.bin")) && fs.existsSync(join(shown.out.trim(), "run.bin"))).toBe(true);
    expect((await cli("capture", "no-such-job")).code).not.toBe(0);

    // A quota that holds little more than the first run's two captures: the second run must delete
    // the unpinned one, and keep the pinned one although it is older.
    const log = JobLog.open(file);
    const used = new CaptureStore(log.db, { dir: join(dir, "log", "captures"), quotaBytes: 1 << 30 }).usedBytes();
    log.close();
    const second = await replay(join(dir, "b"), { file, captures: { quotaMb: (used * 1.2) / (1024 * 1024) } });
    expect(second.records).toHaveLength(2);
    expect(second.metric("job-captures.evicted")).toBeGreaterThanOrEqual(2);
    const after = JobLog.open(file);
    const kept = new Set(new CaptureStore(after.db, { dir: join(dir, "log", "captures"), quotaBytes: 1 << 30 }).list().map((c) => c.jobId));
    after.close();
    expect(kept.has(pinned)).toBe(true);
    expect(kept.has(unpinned)).toBe(false);
    expect((await cli("capture", unpinned)).code).toBe(1);
  }, 15_000);

  it("stops capture on a full disk (ENOSPC), says so, and the jobs go on being logged", async () => {
    const dir = tempDir();
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 33, keepRevolutions: false }), dir);
    const file = join(dir, "log", "job-log.sqlite");
    let written = 0;
    const full: CaptureFs = {
      ...(fs as unknown as CaptureFs),
      writeSync(fd, buf, off, n) {
        if (written > 40_000) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        written += n;
        return fs.writeSync(fd, buf, off, n);
      },
    };
    const said: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (said.push(String(s)), true));
    const run = await replay(dir, { file, captures: {}, plugin: createJobCapturesPlugin({ fs: full }) });
    vi.restoreAllMocks();
    expect(run.records).toHaveLength(3);
    expect(run.metric("job-captures.diskFull")).toBe(1);
    expect(said.join("")).toMatch(/job-captures: raw capture stopped: disk full/);
    const log = JobLog.open(file);
    const events = log.db.prepare(`SELECT type FROM events WHERE type LIKE 'capture.%'`).pluck().all();
    const logged = log.db.prepare(`SELECT count(*) FROM jobs WHERE status != 'running'`).pluck().get();
    const states = log.db.prepare(`SELECT DISTINCT job_id FROM captures`).pluck().all();
    log.close();
    expect(events).toEqual(["capture.disk-full"]);
    expect(logged).toBe(3);
    expect(states).toEqual([run.records[0].id]); // stopped in the first job; none after it
  }, 15_000);
});
