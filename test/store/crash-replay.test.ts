// Crash safety through the real controller: the replay pipeline (job tracker → features → judder
// learner + cut-quality learner → job records → job log) replaying a small simulator capture in a
// child process, SIGKILLed twenty times at random moments, each run continuing the same log (as a
// controller restarted on the Pi would). Kills land after 0..2 committed jobs plus 0–40 ms, some
// the moment a commit is reported. To keep twenty kills within seconds, the next child loads the
// pipeline while the current one runs (a warm pool of one) and starts replaying when told `go`.
// After each kill: integrity_check ok; the complete jobs of that run are exactly the first k jobs
// of an uninterrupted replay (k at least the count acknowledged before the kill), each equal to its
// record there (measurements, predictions, labels); no job is left `running`, those that were are
// `interrupted`; and the judder learner's model file (saved after every label) still loads.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { judderModelOptions } from "../../src/learn/learners.ts";
import { loadOnlineModel } from "../../src/learn/model-store.ts";
import { Host } from "../../src/runtime/index.ts";
import { JobLog, listJobs, type JobRecord } from "../../src/store/index.ts";
import { crashConfig } from "./support/replay-config.ts";
import { recordCollector } from "../support/record-collector.ts";

const child = fileURLToPath(new URL("./crash/pool-child.ts", import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function reference(dir: string): Promise<JobRecord[]> {
  const { plugin: collector, records } = recordCollector();
  const host = await Host.load(await crashConfig(dir, null, { idPrefix: "ref", collector: true }), { preloaded: { "test:collector": collector } });
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
  await host.idle();
  await host.stop();
  return records;
}

interface Warm {
  proc: ChildProcess;
  ready: Promise<void>;
  out: () => string;
  err: () => string;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a child that loads the pipeline and waits for `go`. */
function warm(dir: string, db: string, prefix: string, modelDir: string): Warm {
  const proc = spawn(process.execPath, ["--import", "tsx", child, dir, db, prefix, modelDir], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(proc);
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on("close", (code, signal) => res({ code, signal })));
  const ready = new Promise<void>((res, rej) => {
    const check = (): void => {
      if (out.includes("ready\n")) res();
    };
    proc.stdout!.on("data", check);
    void closed.then(({ code }) => rej(new Error(`pool child ended before ready (${code})\n${err}`)));
  });
  return { proc, ready, out: () => out, err: () => err, closed };
}

/** Starts a warm child and SIGKILLs it `extraMs` after it reports `target` committed jobs. Resolves with the last count it reported. */
async function replayAndKill(w: Warm, target: number, extraMs: number): Promise<number> {
  await w.ready;
  let acked = 0;
  let armed = false;
  const watch = (): void => {
    for (const m of w.out().matchAll(/^E (\d+)$/gm)) acked = Math.max(acked, Number(m[1]));
    if (!armed && acked >= target) {
      armed = true;
      if (extraMs === 0) w.proc.kill("SIGKILL");
      else setTimeout(() => w.proc.kill("SIGKILL"), extraMs);
    }
  };
  w.proc.stdout!.on("data", watch);
  w.proc.stdin!.write("go\n");
  watch();
  const { code, signal } = await w.closed;
  watch();
  if (!(signal === "SIGKILL" || code === 0)) throw new Error(`replay child ${code}\n${w.err()}`);
  return acked;
}

describe("crash safety through the replay controller (SIGKILL at random moments)", () => {
  it("twenty kills: integrity ok, the ended jobs a whole prefix of the replay, equal to its records; the running ones interrupted; the model file loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-crash-replay-"));
    dirs.push(dir);
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 33, keepRevolutions: false }), dir);
    const ref = await reference(dir);
    expect(ref.length).toBe(3);
    const db = join(dir, "job-log.sqlite");
    const modelDir = join(dir, "models");
    const modelFile = join(modelDir, "judder.epnn");
    const kills = 20;
    const spans: number[] = [];
    let modelChecks = 0;
    let next = warm(dir, db, "k0", modelDir);
    // One log, one controller at a time (as on the Pi); each run gets its own id prefix.
    for (let round = 0; round < kills; round++) {
      const prefix = `k${round}`;
      const current = next;
      await current.ready;
      if (round + 1 < kills) next = warm(dir, db, `k${round + 1}`, modelDir);
      // After 0..2 committed jobs; every fourth kill the moment the commit is reported, else + 1–40 ms.
      const acked = await replayAndKill(current, round % 3, round % 4 === 0 ? 0 : 1 + ((round * 37) % 40));
      const log = JobLog.open(db, { owner: true });
      try {
        expect(log.integrityCheck()).toEqual(["ok"]);
        const mine = listJobs(log.db, { limit: 1000 }).filter((j) => j.id.startsWith(`${prefix}-`)).sort((a, b) => a.ordinal! - b.ordinal!);
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
      if (existsSync(modelFile)) {
        expect(() => loadOnlineModel(modelFile, judderModelOptions())).not.toThrow();
        modelChecks++;
      }
    }
    // The kills landed inside the replay, at different jobs, and the learner had saved its model.
    expect(spans.filter((k) => k < ref.length).length).toBeGreaterThan(10);
    expect(new Set(spans).size).toBeGreaterThan(1);
    expect(modelChecks).toBeGreaterThan(10);
  }, 60_000);
});
