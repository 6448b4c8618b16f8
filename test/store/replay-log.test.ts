// The job log under the real controller pipeline (config/replay.yaml): a replay of simulator
// captures with their label file, with the job-log plugin added, leaves in the log exactly the
// records the pipeline produced (as a collector plugin saw them), with predictions and labels.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";
import { Host, loadConfigFile } from "../../src/runtime/index.ts";
import { JobLog, getJob } from "../../src/store/index.ts";
import { recordCollector } from "../support/record-collector.ts";
import { withoutPriors } from "../support/without-priors.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("job log under the replay pipeline", () => {
  it("stores every record the pipeline makes, field for field, with its rule predictions and label-file labels", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-replay-log-"));
    dirs.push(dir);
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 21, keepRevolutions: false }), dir);
    const db = join(dir, "job-log.sqlite");
    const { plugin: collector, records } = recordCollector();
    const config = withoutPriors(await loadConfigFile(shippedConfig("replay.yaml")));
    config.host.dataDir = join(dir, "data");
    config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
    config.plugins["job-records"].config = { labels: join(dir, "labels.jsonl") };
    config.plugins.console.enabled = false;
    config.plugins["jsonl-log"].enabled = false;
    const { ["replay-source"]: source, ...rest } = config.plugins;
    config.plugins = {
      ...rest,
      "job-log": { module: resolve("plugins/job-log/index.ts"), enabled: true, config: { db } },
      collector: { module: "test:collector", enabled: true },
      "replay-source": source,
    };
    const host = await Host.load(config, { preloaded: { "test:collector": collector } });
    await host.start();
    while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
    await host.idle();
    await host.stop();

    expect(records).toHaveLength(3);
    const log = JobLog.open(db);
    for (const rec of records) {
      const stored = getJob(log.db, rec.id)!;
      const { session, loggedAt, endedAt, ...asRecord } = stored;
      expect(asRecord).toEqual(rec);
      expect(endedAt).not.toBeNull();
      expect(session).not.toBeNull();
    }
    expect(records.every((r) => r.labels !== null)).toBe(true);
    expect(log.db.prepare(`SELECT DISTINCT source FROM labels`).pluck().all()).toEqual(["label-file"]);
    expect(log.db.prepare(`SELECT count(*) FROM predictions WHERE target = 'judder' AND source = 'rule'`).pluck().get()).toBe(records.filter((r) => r.judder.p !== null).length);
    expect(log.db.prepare(`SELECT count(*) FROM jobs WHERE status = 'running'`).pluck().get()).toBe(0);
    expect(log.tipWear().value).toBe(records.reduce((a, r) => a + r.passes, 0));
    log.close();
  });
});
