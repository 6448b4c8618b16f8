import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import jobLogPlugin, { jobRecordChannel, labelChannel } from "../../plugins/job-log/index.ts";
import { runLabel } from "../../src/cli/label.ts";
import { definePlugin, z, type PluginContext } from "../../src/runtime/index.ts";
import { JobLog, getJob, lockPath, type JobLogEntry, type Label } from "../../src/store/index.ts";
import { hostOf } from "../runtime/support/harness.ts";
import { entry, record, tempDb } from "./support/records.ts";

/** Stands in for the job tracker: emits job.start and writes ended jobs to `jobs.records`. */
function tracker() {
  let ctx: PluginContext | null = null;
  const def = definePlugin({ name: "tracker", version: "1.0.0", host: "*", config: z.object({}), writes: [jobRecordChannel] }, (c) => {
    ctx = c;
    return {};
  });
  return {
    def,
    start(id: string, ordinal: number) {
      ctx!.jobs.emit({ type: "job.start", job: id, boardUs: 1000 * ordinal, data: { ordinal, startedAt: "2026-11-28T10:00:00.000Z" } });
    },
    end(e: JobLogEntry) {
      expect(ctx!.channels.writer(jobRecordChannel).push(e)).toBe(true);
    },
  };
}

/** Stands in for the learner: records each label it is handed and when. */
function learner() {
  const got: Array<{ label: Label; at: number }> = [];
  const def = definePlugin({ name: "learner", version: "1.0.0", host: "*", config: z.object({}), reads: [labelChannel] }, (ctx) => {
    ctx.channels.reader(labelChannel, (r) => {
      for (let l = r.shift(); l !== undefined; l = r.shift()) got.push({ label: l, at: performance.now() });
    });
    return {};
  });
  return { def, got };
}

const quiet = { write: () => true };

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
}

describe("job-log plugin", () => {
  it("logs job starts and ended jobs from the host, and closes the log (lock released) on stop", async () => {
    const db = tempDb("plugin");
    const t = tracker();
    const { host } = await hostOf([t.def, { def: jobLogPlugin, config: { db } }]);
    await host.start();
    expect(existsSync(lockPath(db))).toBe(true);
    t.start("job-1", 1);
    const peek = JobLog.open(db);
    expect(getJob(peek.db, "job-1")?.status).toBe("running");
    t.end(entry(1, 40));
    await host.idle();
    expect(getJob(peek.db, "job-1")?.status).toBe("complete");
    t.start("job-2", 2);
    peek.close();
    await host.stop();
    expect(existsSync(lockPath(db))).toBe(false);
    expect(host.metrics.snapshot().find((m) => m.name === "job-log.jobs")).toMatchObject({ type: "counter", value: 1 });
    // The controller stopped mid-job: the next start marks it interrupted.
    const { host: again } = await hostOf([tracker().def, { def: jobLogPlugin, config: { db } }]);
    await again.start();
    await again.stop();
    const log = JobLog.open(db);
    expect(getJob(log.db, "job-2")).toMatchObject({ status: "interrupted", reason: "process ended" });
    log.close();
  });

  it("a label given by the CLI (another connection) reaches a running learner within 1 s; its own labels are not echoed", async () => {
    const db = tempDb("plugin");
    const t = tracker();
    const l = learner();
    const { host } = await hostOf([t.def, l.def, { def: jobLogPlugin, config: { db, labelPollMs: 200 } }]);
    await host.start();
    t.start("job-1", 1);
    t.end({ record: record(1, { labels: { judder: true, dtvUm: null, raUm: null } }) }); // a label file's label: the pipeline has it already
    t.end({ record: record(2) });
    await host.idle();
    const delays: number[] = [];
    for (const [job, judder] of [["job-1", "no"], ["job-2", "yes"], ["job-1", "yes"]] as const) {
      const before = l.got.length;
      const t0 = performance.now();
      expect(await runLabel([job, "--judder", judder, "--who", "Ana", "--db", db], quiet, quiet)).toBe(0);
      await until(() => l.got.length > before, 1500);
      expect(l.got.length).toBe(before + 1);
      delays.push(l.got[before].at - t0);
      expect(l.got[before].label).toMatchObject({ jobId: job, judder: judder === "yes", source: "cli", who: "Ana" });
    }
    expect(Math.max(...delays)).toBeLessThan(1000);
    expect(l.got.map((g) => g.label.id)).toEqual([2, 3, 4]); // label #1 came with the record and is not echoed
    await host.stop();
  });

  it("a damaged log fails the plugin's start with the store's message, or starts fresh with freshLog", async () => {
    const db = tempDb("plugin");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(db, "this is not a database, it is a text file of more than one hundred bytes...................................");
    const { host } = await hostOf([tracker().def, { def: jobLogPlugin, config: { db } }]);
    await expect(host.start()).rejects.toThrow(/is damaged .*--fresh-log/);
    const { host: fresh } = await hostOf([tracker().def, { def: jobLogPlugin, config: { db, freshLog: true } }]);
    await fresh.start();
    await fresh.stop();
    const log = JobLog.open(db);
    expect(log.integrityCheck()).toEqual(["ok"]);
    log.close();
  });
});
