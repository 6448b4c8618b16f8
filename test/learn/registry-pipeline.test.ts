// The job-log variants of the learners in the replay pipeline with the job log: every model version
// they make lands in the log's registry with its running scores, and every record (and stored
// prediction) names a version the registry holds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { definePlugin, Host, loadConfigFile, z } from "../../src/runtime/index.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";
import { JobLog, jobRecordChannel, type JobRecord } from "../../src/store/index.ts";
import { cutQualityStatus, judderStatus, type LearnerStatus } from "../../src/learn/learner-status.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-registry-pipe-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugin = (p: string) => fileURLToPath(new URL(`../../plugins/${p}`, import.meta.url));

const records: JobRecord[] = [];
const statuses: LearnerStatus[] = [];
const collector = definePlugin(
  { name: "collector", version: "1.0.0", host: "*", config: z.object({}), reads: [jobRecordChannel, judderStatus, cutQualityStatus] },
  (ctx) => {
    const r = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = r.shift(); e !== undefined; e = r.shift()) records.push(e.record);
    });
    for (const spec of [judderStatus, cutQualityStatus]) {
      const s = ctx.channels.reader(spec, () => {
        for (let x = s.shift(); x !== undefined; x = s.shift()) statuses.push(x);
      });
    }
    return {};
  },
);

describe("learner versions in the job log, through the replay pipeline", () => {
  it("every version is registered with its scores; records and predictions name registered versions", async () => {
    const dir = join(root, "cap");
    writeCaptures(new Simulator({ scenario: "mixed", jobs: 14, seed: 5 }), dir);
    const db = join(root, "log", "job-log.sqlite");
    const config = await loadConfigFile(shippedConfig("replay-learning.yaml"));
    config.plugins.judder = { module: plugin("judder/with-job-log.ts"), enabled: true, config: { minLabels: 3, db } };
    config.plugins["cut-quality"] = { module: plugin("cut-quality/with-job-log.ts"), enabled: true, config: { minLabels: 3, db } };
    config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
    config.plugins["job-records"].config = { labels: join(dir, "labels.jsonl") };
    config.plugins.console.enabled = false;
    config.plugins["jsonl-log"].enabled = false;
    const { ["replay-source"]: source, ...rest } = config.plugins;
    config.plugins = { ...rest, "job-log": { module: plugin("job-log/index.ts"), enabled: true, config: { db } }, collector: { module: "test:collector", enabled: true }, "replay-source": source };
    const host = await Host.load(config, { preloaded: { "test:collector": collector } });
    await host.start();
    let judderLabels = 0;
    try {
      while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
      await host.idle();
      judderLabels = host.metrics.value("judder.labels") ?? 0;
    } finally {
      await host.stop();
    }
    expect(records.length).toBe(14);
    const log = JobLog.open(db);
    try {
      const reg = log.models;
      const judder = reg.list("judder");
      expect(judderLabels).toBeGreaterThan(5);
      expect(judder.length).toBe(judderLabels); // one version per update (no rollback in 14 clean jobs)
      expect(judder.map((m) => m.parent)).toEqual([null, ...judder.slice(0, -1).map((m) => m.version)]);
      expect(reg.active("judder")!.version).toBe(judder.at(-1)!.version);
      for (const m of judder) expect(Object.keys(m.metrics)).toEqual(expect.arrayContaining(["n", "labels", "auc", "accuracy", "f1", "updates", "rollbacks"]));
      expect(reg.list("residual-runout").length).toBeGreaterThan(5);

      const fromModel = records.filter((r) => r.judder.source === "model");
      expect(fromModel.length).toBeGreaterThan(3);
      for (const r of fromModel) expect(reg.get(r.judder.modelVersion!), `${r.id}: ${r.judder.modelVersion}`).not.toBeNull();
      const cq = records.map((r) => r.cutQuality.modelVersion).filter((v): v is string => v !== null);
      expect(cq.length).toBeGreaterThan(0);
      for (const v of cq) for (const part of v.split("+").filter((p) => p !== "rule" && p !== "none")) expect(reg.get(part), v).not.toBeNull();
      // the log's predictions too
      const versions = log.db.prepare("SELECT DISTINCT model_version FROM predictions WHERE model_version IS NOT NULL").pluck().all() as string[];
      expect(versions.length).toBeGreaterThan(3);
      for (const v of versions) for (const part of v.split("+").filter((p) => p !== "rule" && p !== "none")) expect(reg.get(part), v).not.toBeNull();

      // the last status of each kind is the registry's active version, with the scores it was registered with
      for (const kind of ["judder", "residual-runout"]) {
        const last = statuses.filter((s) => s.kind === kind).at(-1)!;
        const active = reg.active(kind)!;
        expect(last).toMatchObject({ version: active.version, registry: true, labels: active.metrics.labels });
        expect(active.metrics).toMatchObject(last.scores);
      }
      expect(statuses.filter((s) => s.kind === "judder").at(-1)!.source).toBe("model");
    } finally {
      log.close();
    }
  });
});
