// The shipped configs load and pass the host's checks (versions, dependencies, plugin configs,
// one writer per channel), and each starts its source last. A garage (default.yaml) and the demo
// (sim.yaml) run the online learners with their versions in the job log's registry; the replay
// configs run them from scratch; replay-rules.yaml keeps the rule estimators.
import { describe, expect, it } from "vitest";
import { Host, loadConfigFile } from "../../src/runtime/index.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";

const LEARNERS = ["judder", "cut-quality"];
const RULES = ["judder-rule", "cut-quality-rule"];

describe("shipped configs", () => {
  for (const [file, source, estimators] of [
    ["default.yaml", "boards", LEARNERS], ["sim.yaml", "boards", LEARNERS], ["replay.yaml", "replay-source", LEARNERS],
    ["replay-learning.yaml", "replay-source", LEARNERS], ["replay-rules.yaml", "replay-source", RULES],
  ] as const) {
    it(`${file} passes every check, estimates with ${estimators.join(" and ")} and starts ${source} last`, async () => {
      const config = await loadConfigFile(shippedConfig(file));
      const host = await Host.load(config);
      const names = host.plugins().map((p) => p.name);
      expect(names.at(-1)).toBe(source);
      expect(names).toEqual(expect.arrayContaining(["job-tracker", "features", ...estimators, "job-records", "console", "jsonl-log"]));
      for (const other of estimators === LEARNERS ? RULES : LEARNERS) expect(names).not.toContain(other);
      const report = host.channelReport().map((c) => c.name);
      expect(report).toEqual(expect.arrayContaining(["boards.vib", "boards.run", "boards.events", "jobs.stream", "features.revs", "jobs.records"]));
      if (source === "boards") {
        // live: labels from the job log, versions into its registry, live scores on the dashboard
        expect(report).toEqual(expect.arrayContaining(["jobs.labels", "judder.status", "cut-quality.status"]));
        for (const l of LEARNERS) expect(config.plugins[l].module).toMatch(/with-job-log\.ts$/);
        expect(config.plugins.dashboard.module).toMatch(/with-learners\.ts$/);
      } else if (estimators === LEARNERS) {
        // replay: from scratch every time, nothing saved, nothing registered
        for (const l of LEARNERS) {
          expect(config.plugins[l].module).toMatch(/index\.ts$/);
          expect((config.plugins[l].config as { modelDir?: string } | undefined)?.modelDir).toBeUndefined();
        }
      }
    });
  }
});
