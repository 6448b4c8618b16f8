import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runConfig } from "../../src/cli/config.ts";
import { main } from "../../src/cli/main.ts";
import { runPlugins } from "../../src/cli/plugins.ts";
import { makeInstallation, writeFile } from "./support/installation.ts";

const bin = fileURLToPath(new URL("../../bin/edgeprop.js", import.meta.url));

/** A tiny on-disk plugin, as a user would write one next to their config. */
const pluginSource = (name: string, deps: string[], extra = "") => `
import { definePlugin, z } from "edgeprop/runtime";
export default definePlugin(
  { name: "${name}", version: "0.3.0", host: "^0.1.0", dependencies: ${JSON.stringify(deps)}, config: z.object({ level: z.number().default(1) }) ${extra} },
  () => ({}),
);
`;

function installation(): string {
  const dir = makeInstallation("path");
  writeFile(dir, "source.js", pluginSource("source", []));
  writeFile(dir, "features.js", pluginSource("features", ["source"]));
  writeFile(dir, "report.js", pluginSource("report", ["features", "source@^0.3.0"]));
  return dir;
}

const goodYaml = `
plugins:
  report: { module: ./report.js }
  features: { module: ./features.js, config: { level: 2 } }
  source: { module: ./source.js }
  edgeprop-plugin-example: { module: ./plugins/edgeprop-plugin-example, enabled: false }
`;

function capture() {
  const text: string[] = [];
  return { write: (s: string) => text.push(s), get text() { return text.join(""); } };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("edgeprop config check", () => {
  it("prints OK with the plugins it would load", async () => {
    const dir = installation();
    const file = writeFile(dir, "edgeprop.yaml", goodYaml);
    const out = capture();
    expect(await runConfig(["check", file], out, capture())).toBe(0);
    expect(out.text).toBe(`OK ${file}: 3 plugins (source, features, report)\n`);
  });

  it("prints each error with its code and path and exits 1", async () => {
    const dir = installation();
    const file = writeFile(dir, "edgeprop.yaml", goodYaml.replace("{ level: 2 }", '{ level: "high", extra: 1 }'));
    const out = capture();
    const err = capture();
    expect(await runConfig(["check", file], out, err)).toBe(1);
    const lines = out.text.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^EP_ERR_PLUGIN_CONFIG plugins\.features\.config\.level: plugin 'features': .*expected number/);
    expect(err.text).toBe(`${file}: 1 error\n`);
    const schemaBad = writeFile(dir, "bad.json", JSON.stringify({ host: { logLevel: "loud" }, plugins: { a: {} } }));
    const out2 = capture();
    expect(await runConfig(["check", schemaBad], out2, capture())).toBe(1);
    expect(out2.text.split("\n").filter(Boolean).map((l) => l.split(":")[0])).toEqual([
      "EP_ERR_CONFIG_INVALID host.logLevel",
      "EP_ERR_CONFIG_INVALID plugins.a.module",
    ]);
  });

  it("config schema prints the installation file's JSON Schema", async () => {
    const out = capture();
    expect(await runConfig(["schema"], out, capture())).toBe(0);
    const schema = JSON.parse(out.text) as { properties: Record<string, { properties?: Record<string, unknown> }>; required: string[] };
    expect(schema.required).toEqual(["plugins"]);
    expect(Object.keys(schema.properties.host.properties ?? {})).toEqual(
      ["logFile", "logLevel", "dataDir", "startTimeoutMs", "stopTimeoutMs", "restart", "channels"],
    );
  });

  it("without a FILE prints usage and exits 2", async () => {
    const err = capture();
    expect(await runConfig(["check"], capture(), err)).toBe(2);
    expect(err.text).toMatch(/usage: edgeprop config check FILE/);
  });

  it("works through the installed bin (a child process)", async () => {
    const dir = installation();
    const file = writeFile(dir, "edgeprop.yaml", goodYaml.replace("./source.js", "./missing.js"));
    const res = await promisify(execFile)(process.execPath, [bin, "config", "check", file]).then(
      () => ({ code: 0, stdout: "" }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^EP_ERR_PLUGIN_LOAD plugins\.source\.module: plugin 'source': cannot load module '\.\/missing\.js'/);
  });
});

describe("edgeprop plugins", () => {
  it("prints the dependency tree with versions, status, module and deps", async () => {
    const dir = installation();
    const file = writeFile(dir, "edgeprop.yaml", goodYaml);
    const out = capture();
    expect(await runPlugins(["--config", file], out, capture())).toBe(0);
    expect(out.text.split("\n")).toEqual([
      `edgeprop host 0.1.0, config ${file}`,
      "source 0.3.0  [loaded]  ./source.js",
      "├─ features 0.3.0  [loaded]  ./features.js  deps: source",
      "│  └─ report 0.3.0  [loaded]  ./report.js  deps: features, source@^0.3.0",
      "└─ report (see above)",
      "edgeprop-plugin-example  [disabled in config]  ./plugins/edgeprop-plugin-example",
      "",
    ]);
  });

  it("runs from main() like the bin does, and reports check errors with codes", async () => {
    const dir = installation();
    const file = writeFile(dir, "cyclic.yaml", goodYaml.replace("./source.js", "./cyclic-source.js"));
    writeFile(dir, "cyclic-source.js", pluginSource("source", ["report"]));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["plugins", "--config", file])).toBe(1);
    expect(String(stderr.mock.calls[0][0])).toBe(
      "EP_ERR_DEPENDENCY_CYCLE plugins.report: plugin dependencies form a cycle: report -> features -> source -> report (expected dependencies without cycles)\n",
    );
  });
});
