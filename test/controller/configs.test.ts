// The shipped configs load and pass the host's checks (versions, dependencies, plugin configs,
// one writer per channel), and each starts its source last.
import { describe, expect, it } from "vitest";
import { Host, loadConfigFile } from "../../src/runtime/index.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";

describe("shipped configs", () => {
  for (const [file, source] of [["default.yaml", "boards"], ["sim.yaml", "boards"], ["replay.yaml", "replay-source"]] as const) {
    it(`${file} passes every check and starts ${source} last`, async () => {
      const config = await loadConfigFile(shippedConfig(file));
      const host = await Host.load(config);
      const names = host.plugins().map((p) => p.name);
      expect(names.at(-1)).toBe(source);
      expect(names).toEqual(expect.arrayContaining(["job-tracker", "features", "judder-rule", "cut-quality-rule", "job-records", "console", "jsonl-log"]));
      const report = host.channelReport().map((c) => c.name);
      expect(report).toEqual(expect.arrayContaining(["boards.vib", "boards.run", "boards.events", "jobs.stream", "features.revs", "jobs.records"]));
    });
  }
});
