// Relative paths in plugin configs are relative to the config file's folder when a config is loaded
// (src/runtime/config-paths.ts, applied by parseConfig), found by the key naming convention, never by
// plugin name: a learner's `modelDir` lands beside the config, not in the working folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { loadInstallation } from "../../src/cli/pipeline.ts";
import { isPathKey } from "../../src/runtime/config-paths.ts";
import { runReplay } from "../controller/support/replay-records.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-config-paths-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugin = (p: string) => fileURLToPath(new URL(`../../plugins/${p}`, import.meta.url));

describe("paths in plugin configs", () => {
  it("the convention: db, dir, file and names ending in Db, Dir, File, Path", () => {
    for (const k of ["db", "dir", "file", "modelDir", "statusFile", "socketPath", "labelsDb"]) expect(isPathKey(k), k).toBe(true);
    for (const k of ["labels", "vib", "port", "host", "chromium", "directory", "Dir", "profile"]) expect(isPathKey(k), k).toBe(false);
  });

  it("relative ones resolve against the config's folder; absolute, empty and other keys stay; the learner saves its models there", async () => {
    const confDir = join(root, "site", "conf");
    mkdirSync(confDir, { recursive: true });
    const caps = join(root, "caps");
    writeCaptures(new Simulator({ scenario: "good", jobs: 3, seed: 21 }), caps);
    const file = join(confDir, "replay.yaml");
    writeFileSync(file, [
      "host: { logLevel: warn, dataDir: ../data }",
      "plugins:",
      `  job-tracker: { module: ${plugin("job-tracker/index.ts")}, config: { startedAt: none } }`,
      `  features: { module: ${plugin("features/index.ts")} }`,
      `  judder: { module: ${plugin("judder/index.ts")}, config: { modelDir: ../models } }`,
      `  cut-quality: { module: ${plugin("cut-quality/index.ts")}, config: { modelDir: ${join(root, "abs-models")} } }`,
      `  job-records: { module: ${plugin("job-records/index.ts")}, config: { labels: labels.jsonl } }`,
      `  console: { module: ${plugin("console/index.ts")}, config: { progress: false } }`,
      `  jsonl-log: { module: ${plugin("jsonl-log/index.ts")}, config: { file: "" } }`,
      `  replay-source: { module: ${plugin("replay-source/index.ts")}, config: { vib: vib.bin, run: run.bin } }`,
      "",
    ].join("\n"));
    const config = (await loadInstallation(file, process.stderr))!;
    const c = (name: string) => config.plugins[name].config as Record<string, unknown>;
    expect(c("judder").modelDir).toBe(join(root, "site", "models"));
    expect(c("cut-quality").modelDir).toBe(join(root, "abs-models"));
    expect(c("jsonl-log").file).toBe("");
    expect(c("job-records").labels).toBe("labels.jsonl"); // not a path key: left to its plugin
    expect(c("replay-source")).toEqual({ vib: "vib.bin", run: "run.bin" });

    config.plugins["replay-source"].config = { vib: join(caps, "vib.bin"), run: join(caps, "run.bin") };
    config.plugins["job-records"].config = { labels: join(caps, "labels.jsonl") };
    const { records } = await runReplay(config);
    expect(records.length).toBe(3);
    expect(existsSync(join(root, "site", "models", "judder.epnn"))).toBe(true);
    expect(existsSync(join(root, "abs-models", "residual-runout.epnn"))).toBe(true);
    // unresolved, `../models` would have meant the working folder's parent
    expect(existsSync(resolve("..", "models", "judder.epnn"))).toBe(false);
  });
});
