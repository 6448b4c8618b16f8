import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/runtime/config.ts";
import { Host } from "../../src/runtime/host.ts";
import { consumer, producer, runExample, yaml } from "./support/example-run.ts";
import { makeInstallation, writeFile } from "./support/installation.ts";

const runScript = fileURLToPath(new URL("./support/example-run.ts", import.meta.url));

describe("the example third-party plugin", () => {
  it("loads by path, reads and writes channels, and flushes its summary on stop", async () => {
    const dir = makeInstallation("path");
    const { got, summary, plugins, items } = await runExample(dir, "./plugins/edgeprop-plugin-example");
    expect(got).toEqual([[1000, 3], [2000, 6], [3000, 9], [4000, 12], [5000, 15]]);
    expect(summary).toEqual({ items: 5, sum: 45, peak: 15, boardUs: 5000 });
    expect(items).toBe(5);
    expect(plugins.map((p) => [p.name, p.version, p.status])).toEqual([
      ["producer", "1.0.0", "stopped"],
      ["edgeprop-plugin-example", "1.0.0", "stopped"],
      ["consumer", "1.0.0", "stopped"],
    ]);
  });

  it("loads as an npm package named in the config", async () => {
    const dir = makeInstallation("package");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", runScript, dir, "edgeprop-plugin-example"]);
    const { got, summary } = JSON.parse(stdout) as { got: number[][]; summary: unknown };
    expect(got).toEqual([[1000, 3], [2000, 6], [3000, 9], [4000, 12], [5000, 15]]);
    expect(summary).toEqual({ items: 5, sum: 45, peak: 15, boardUs: 5000 });
  });

  it("its config is checked against its schema: a wrong gain is an EP_ERR_PLUGIN_CONFIG at the right path", async () => {
    const dir = makeInstallation("path");
    const config = await loadConfigFile(writeFile(dir, "edgeprop.yaml", yaml("./plugins/edgeprop-plugin-example").replace("gain: 3", "gain: loud")));
    const err = await Host.load(config, { preloaded: { "test:producer": producer, "test:consumer": consumer([]) } }).catch((e: unknown) => e);
    expect((err as { errors: Array<{ code: string; path: string }> }).errors.map((e) => [e.code, e.path])).toEqual([
      ["EP_ERR_PLUGIN_CONFIG", "plugins.edgeprop-plugin-example.config.gain"],
    ]);
  });
});
