// Crash safety of the store: a child process writing jobs through it is SIGKILLed 20 times (5 logs
// × 4 kills, the logs in parallel to keep the wall time down): half of the kills the moment a job's
// start is reported (inside the job), half 1–97 ms later (anywhere, mid-commit included). After each
// kill the log passes integrity_check, every job whose end was acknowledged is there with its
// features, predictions and label, the job that was running is `interrupted` (or complete, when the
// kill came between the commit and the acknowledgement), and the active model file loads.
// The same through the real replay controller: crash-replay.test.ts.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/core/index.ts";
import { JobLog, getJob, jobFeatures } from "../../src/store/index.ts";
import { tempDb } from "./support/records.ts";

const writer = fileURLToPath(new URL("./crash/writer.ts", import.meta.url));

/**
 * Runs the writer; SIGKILLs it once it has reported `startLines` job starts, after `extraMs` more
 * (0: at once, so the kill lands while that job runs; more: anywhere, mid-commit included).
 */
function runAndKill(db: string, tag: string, startLines: number, extraMs: number): Promise<{ started: string[]; ended: string[]; models: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, db, tag], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let armed = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!armed && (out.match(/^S /gm)?.length ?? 0) >= startLines) {
        armed = true;
        if (extraMs === 0) child.kill("SIGKILL");
        else setTimeout(() => child.kill("SIGKILL"), extraMs);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL") return reject(new Error(`writer ended with ${code}/${signal}\n${out}\n${err}`));
      const lines = out.split("\n");
      // Only whole lines count: a line cut by the kill was not acknowledged.
      const pick = (p: string) => lines.slice(0, -1).filter((l) => l.startsWith(p)).map((l) => l.slice(2));
      resolve({ started: pick("S "), ended: pick("E "), models: pick("M ") });
    });
  });
}

async function killLoop(db: string, rounds: number, seed: number): Promise<number> {
  const ended = new Set<string>();
  let interrupted = 0;
  for (let round = 0; round < rounds; round++) {
    // Odd rounds: the moment the job's start is reported; even rounds: 0–97 ms later, anywhere.
    const extraMs = round % 2 === 1 ? 0 : 1 + ((seed * 7919 + round * 104729) % 97);
    const r = await runAndKill(db, `s${seed}r${round}`, 1 + ((seed + round) % 6), extraMs);
    for (const id of r.ended) ended.add(id);
    const log = JobLog.open(db, { owner: true });
    try {
      expect(log.integrityCheck()).toEqual(["ok"]);
      for (const id of ended) {
        const j = getJob(log.db, id);
        expect(j?.status, id).toBe("complete");
        expect(j!.judder.p).toBe(0.25);
        expect(j!.labels?.dtvUm).toBe(Number(id.split("-")[1]));
        expect(jobFeatures(log.db, id)).toHaveLength(40);
      }
      const last = r.started.at(-1);
      if (last !== undefined && !r.ended.includes(last)) {
        const j = getJob(log.db, last)!;
        expect(["interrupted", "complete"]).toContain(j.status);
        if (j.status === "interrupted") {
          expect(j.reason).toBe("process ended");
          interrupted++;
        }
      }
      expect(log.db.prepare(`SELECT count(*) FROM jobs WHERE status = 'running'`).pluck().get()).toBe(0);
      if (log.models.active("judder")) {
        const loaded = log.models.loadActive("judder", (m) => loadModel(m.path!));
        expect(loaded.skipped).toEqual([]);
      }
    } finally {
      log.close();
    }
  }
  return interrupted;
}

describe("crash safety (SIGKILL while writing jobs through the store)", () => {
  it("20 kills at random moments: integrity_check ok, every acknowledged job whole, the running one interrupted", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((seed) => killLoop(tempDb("crash"), 4, seed)));
    // The kills that come as a job's start is reported land inside that job (it runs 10–20 ms).
    expect(results.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
  });
});
