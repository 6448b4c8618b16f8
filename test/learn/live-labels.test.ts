// The job-log variants of the learning plugins: labels given while the controller runs (the `label`
// command, another connection to the job log) reach the judder and cut-quality learners.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { Host, loadConfigFile } from "../../src/runtime/index.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";
import { runLabel } from "../../src/cli/label.ts";
import { recordCollector } from "../support/record-collector.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-live-labels-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugin = (p: string) => fileURLToPath(new URL(`../../plugins/${p}`, import.meta.url));
const quiet = { write: () => true };

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
}

describe("learning from the job log's labels", () => {
  it("labels given with `edgeprop label` after the jobs reach both learners within 1.5 s", async () => {
    const dir = join(root, "cap");
    writeCaptures(new Simulator({ scenario: "mixed", jobs: 5, seed: 6 }), dir);
    const db = join(root, "log.sqlite");
    const { plugin: collector, records } = recordCollector();
    const config = await loadConfigFile(shippedConfig("replay-learning.yaml"));
    config.plugins.judder.module = plugin("judder/with-job-log.ts");
    config.plugins["cut-quality"].module = plugin("cut-quality/with-job-log.ts");
    config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
    config.plugins.console.enabled = false;
    config.plugins["jsonl-log"].enabled = false;
    const { ["replay-source"]: source, ...rest } = config.plugins;
    config.plugins = {
      ...rest,
      "job-log": { module: plugin("job-log/index.ts"), enabled: true, config: { db, labelPollMs: 50 } },
      collector: { module: "test:collector", enabled: true },
      "replay-source": source,
    };
    const host = await Host.load(config, { preloaded: { "test:collector": collector } });
    await host.start();
    try {
      while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
      await host.idle();
      const done = records.filter((r) => r.status === "complete" && r.judder.p !== null);
      expect(done.length).toBeGreaterThanOrEqual(3);
      // No label file: nothing learned yet (residual runout labels itself from the check pass).
      expect(host.metrics.value("judder.labels") ?? 0).toBe(0);
      for (const [k, r] of done.slice(0, 3).entries()) {
        expect(await runLabel([r.id, "--judder", k % 2 === 0 ? "yes" : "no", "--ra-um", "0.7", "--db", db], quiet, quiet)).toBe(0);
        await until(() => (host.metrics.value("judder.labels") ?? 0) === k + 1 && (host.metrics.value("cut-quality.raLabels") ?? 0) === k + 1, 1500);
        expect(host.metrics.value("judder.labels")).toBe(k + 1);
        expect(host.metrics.value("cut-quality.raLabels")).toBe(k + 1);
      }
      expect(host.metrics.value("judder.labelsUnmatched") ?? 0).toBe(0);
    } finally {
      await host.stop();
    }
  });
});
