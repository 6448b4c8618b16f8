import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/runtime/config.ts";
import { RuntimeError, RuntimeErrors } from "../../src/runtime/errors.ts";
import { writeFile } from "./support/installation.ts";

const dir = () => mkdtempSync(join(tmpdir(), "edgeprop-cfg-"));

async function errorsOf(file: string): Promise<Array<[string, string | undefined]>> {
  const err = await loadConfigFile(file).then(() => null, (e: unknown) => e);
  if (err instanceof RuntimeErrors) return err.errors.map((e) => [e.code, e.path]);
  if (err instanceof RuntimeError) return [[err.code, err.path]];
  throw new Error(`expected a config error, got ${String(err)}`);
}

describe("installation config file", () => {
  it("reads YAML, fills host defaults and resolves paths against the file's folder", async () => {
    const d = dir();
    const file = writeFile(d, "edgeprop.yaml", `
host:
  logFile: logs/edgeprop.log
  restart: { maxRestarts: 2 }
plugins:
  vib-source:
    module: ./plugins/vib-source/index.ts
    config: { port: auto }
  off: { module: edgeprop-plugin-x, enabled: false }
`);
    const cfg = await loadConfigFile(file);
    expect(cfg.file).toBe(file);
    expect(cfg.baseDir).toBe(d);
    expect(cfg.host).toEqual({
      logFile: join(d, "logs/edgeprop.log"),
      logLevel: "info",
      dataDir: join(d, "data"),
      startTimeoutMs: 5000,
      stopTimeoutMs: 5000,
      restart: { baseMs: 200, factor: 2, maxMs: 10_000, maxRestarts: 2, healthyMs: 30_000 },
      channels: {},
    });
    expect(cfg.plugins).toEqual({
      "vib-source": { module: "./plugins/vib-source/index.ts", enabled: true, config: { port: "auto" } },
      off: { module: "edgeprop-plugin-x", enabled: false },
    });
  });

  it("reads the same installation from JSON", async () => {
    const d = dir();
    const yaml = await loadConfigFile(writeFile(d, "a.yml", "plugins:\n  a: { module: ./a.ts, config: { n: 1 } }\n"));
    const json = await loadConfigFile(writeFile(d, "a.json", JSON.stringify({ plugins: { a: { module: "./a.ts", config: { n: 1 } } } })));
    expect(json.plugins).toEqual(yaml.plugins);
    expect(json.host).toEqual(yaml.host);
  });

  it("reports every schema problem with its path and EP_ERR_CONFIG_INVALID", async () => {
    const d = dir();
    const file = writeFile(d, "bad.yaml", `
host:
  logLevel: loud
  startTimeoutMs: -1
  colour: blue
plugins:
  Bad Name: { module: ./x.ts }
  ok: { config: {} }
extra: 1
`);
    expect(await errorsOf(file)).toEqual([
      ["EP_ERR_CONFIG_INVALID", "host.logLevel"],
      ["EP_ERR_CONFIG_INVALID", "host.startTimeoutMs"],
      ["EP_ERR_CONFIG_INVALID", "host"],
      ["EP_ERR_CONFIG_INVALID", "plugins.Bad Name"],
      ["EP_ERR_CONFIG_INVALID", "plugins.ok.module"],
      ["EP_ERR_CONFIG_INVALID", ""],
    ]);
    const err = (await loadConfigFile(file).catch((e: RuntimeErrors) => e)) as RuntimeErrors;
    expect(err.errors[2].message).toMatch(/colour/);
    expect(err.errors[5].message).toMatch(/extra/);
  });

  it("a missing file or broken syntax is EP_ERR_CONFIG_READ naming the file", async () => {
    const d = dir();
    expect(await errorsOf(join(d, "nope.yaml"))).toEqual([["EP_ERR_CONFIG_READ", undefined]]);
    const broken = writeFile(d, "broken.yaml", "plugins:\n  a: [unclosed\n");
    const err = (await loadConfigFile(broken).catch((e: unknown) => e)) as RuntimeError;
    expect(err.code).toBe("EP_ERR_CONFIG_READ");
    expect(err.message).toContain("broken.yaml is not valid YAML");
    const badJson = writeFile(d, "broken.json", "{ plugins: ");
    expect(((await loadConfigFile(badJson).catch((e: unknown) => e)) as RuntimeError).message).toContain("is not valid JSON");
  });
});
