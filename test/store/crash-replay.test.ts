// Crash safety through the real controller: the replay pipeline (job tracker → features → rules →
// job records → job log) replaying simulator captures in a child process, SIGKILLed after 0..5
// jobs were committed (the child reports the job log's counter) plus 0–60 ms. Six kills, one after
// the other on one log: each child loads the whole pipeline, so twenty would cost ~30 s; the
// 20-kill loop through the store alone is crash.test.ts. After each kill the log passes
// integrity_check, the complete jobs are exactly the first k jobs of an uninterrupted replay (k at
// least the count acknowledged before the kill), each equal to its record there (measurements,
// estimates, labels), no job is left `running`, and those that were are `interrupted`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { definePlugin, Host, z } from "../../src/runtime/index.ts";
import { JobLog, jobRecordChannel, listJobs, type JobRecord } from "../../src/store/index.ts";
import { replayConfig } from "./support/replay-config.ts";

const child = fileURLToPath(new URL("./crash/replay-child.ts", import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function reference(dir: string): Promise<JobRecord[]> {
  const records: JobRecord[] = [];
  const collector = definePlugin({ name: "collector", version: "1.0.0", host: "*", config: z.object({}), reads: [jobRecordChannel] }, (ctx) => {
    const r = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = r.shift(); e !== undefined; e = r.shift()) records.push(e.record);
    });
    return {};
  });
  const host = await Host.load(await replayConfig(dir, null, { idPrefix: "ref", collector: true }), { preloaded: { "test:collector": collector } });
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
  await host.idle();
  await host.stop();
  return records;
}

/** Runs the child; SIGKILLs it `extraMs` after it reports `target` committed jobs. Resolves with the last count it reported. */
function replayAndKill(dir: string, db: string, prefix: string, target: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, dir, db, prefix], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let acked = 0;
    let armed = false;
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/^E (\d+)$/gm)) acked = Math.max(acked, Number(m[1]));
      if (!armed && acked >= target) {
        armed = true;
        setTimeout(() => p.kill("SIGKILL"), extraMs);
      }
    });
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code, signal) => (signal === "SIGKILL" || code === 0 ? resolve(acked) : reject(new Error(`replay child ${code}\n${err}`))));
  });
}

describe("crash safety through the replay controller (SIGKILL at random moments)", () => {
  it("after each kill: integrity ok, the ended jobs a whole prefix of the replay, equal to its records; the running ones interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-crash-replay-"));
    dirs.push(dir);
    writeCaptures(new Simulator({ scenario: "good", jobs: 8, seed: 33, keepRevolutions: false }), dir);
    const ref = await reference(dir);
    expect(ref.length).toBe(8);
    const db = join(dir, "job-log.sqlite");
    const kills = 6;
    const spans: number[] = [];
    // One log, one controller at a time (as on the Pi); each run gets its own id prefix.
    for (let round = 0; round < kills; round++) {
      const prefix = `k${round}`;
      const acked = await replayAndKill(dir, db, prefix, round, (round * 37) % 60); // after 0..5 committed jobs, + 0–60 ms
      const log = JobLog.open(db, { owner: true });
      try {
        expect(log.integrityCheck()).toEqual(["ok"]);
        const mine = listJobs(log.db, { limit: 100 }).filter((j) => j.id.startsWith(`${prefix}-`)).sort((a, b) => a.ordinal! - b.ordinal!);
        const complete = mine.filter((j) => j.status === "complete" || j.reason !== "process ended");
        expect(complete.map((j) => j.ordinal)).toEqual(complete.map((_, i) => i + 1));
        expect(complete.length).toBeGreaterThanOrEqual(acked); // every job committed before the kill is there
        for (const j of complete) {
          const { session, loggedAt, endedAt, ...asRecord } = j;
          const want = ref[j.ordinal! - 1];
          expect(asRecord).toEqual({ ...want, id: want.id.replace(/^ref-/, `${prefix}-`) });
        }
        const interrupted = mine.filter((j) => j.reason === "process ended");
        expect(interrupted.every((j) => j.status === "interrupted" && j.ordinal! > complete.length)).toBe(true);
        expect(mine.filter((j) => j.status === "running")).toEqual([]);
        spans.push(complete.length);
      } finally {
        log.close();
      }
    }
    // The kills landed inside the replay, at different jobs.
    expect(spans.filter((k) => k < ref.length).length).toBeGreaterThan(2);
  });
});
