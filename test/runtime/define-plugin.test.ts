import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RuntimeError } from "../../src/runtime/errors.ts";
import { definePlugin, isPluginDefinition, parseDependency } from "../../src/runtime/plugin.ts";
import { HOST_VERSION } from "../../src/runtime/version.ts";

const fixture = fileURLToPath(new URL("../fixtures/plugins/types/meta-required.ts", import.meta.url));
const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));

const runtimeIndex = fileURLToPath(new URL("../../src/runtime/index.ts", import.meta.url));

/** One compiler run over both files (a run costs seconds); diagnostics per file. */
function compile(files: string[]): Map<string, ts.Diagnostic[]> {
  const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, fileURLToPath(new URL("../..", import.meta.url)));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const diags = ts.getPreEmitDiagnostics(program);
  return new Map(files.map((f) => [f, diags.filter((d) => d.file?.fileName === f)]));
}

describe("definePlugin types", () => {
  // The copy without markers lives in a temp folder, so a concurrent `tsc` of the repo never sees it.
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-types-"));
  const copy = join(dir, "stripped.ts");
  const lines = readFileSync(fixture, "utf8").replace("../../../../src/runtime/index.ts", runtimeIndex).split("\n");
  // Each marker's next line (1-based) and the text its EXPECT comment says the error contains.
  const expected: Array<{ line: number; text: string }> = [];
  let pending = "";
  lines.forEach((l, i) => {
    const m = /\/\/ EXPECT: (.+)$/.exec(l);
    if (m) pending = m[1];
    if (l.trim() === "// @ts-expect-error") expected.push({ line: i + 2, text: pending });
  });
  writeFileSync(copy, lines.map((l) => (l.trim() === "// @ts-expect-error" ? "" : l)).join("\n"));
  const results = compile([fixture, copy]);
  rmSync(dir, { recursive: true, force: true });

  it("the fixture type-checks: every @ts-expect-error there is a real error", () => {
    expect(results.get(fixture)!.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });

  it("without the markers, each marked line fails for the reason its EXPECT comment names", () => {
    expect(expected.length).toBe(7);
    const found = results.get(copy)!.map((d) => ({
      line: d.file!.getLineAndCharacterOfPosition(d.start!).line + 1,
      text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    }));
    for (const want of expected) {
      const hit = found.find((f) => f.line === want.line);
      expect(hit, `line ${want.line} should fail`).toBeDefined();
      expect(hit!.text).toContain(want.text);
    }
    expect(found.length).toBe(expected.length);
  });
});

describe("definePlugin at run time (for plugins written in JavaScript)", () => {
  const config = z.object({});
  const setup = () => ({});
  const codeOf = (fn: () => unknown): [string, string | undefined] => {
    try {
      fn();
    } catch (e) {
      return [(e as RuntimeError).code, (e as RuntimeError).path];
    }
    return ["none", undefined];
  };

  it("rejects an incomplete or malformed meta with EP_ERR_PLUGIN_META and the field's path", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ version: "1.0.0", host: "*", config }, "meta.name"],
      [{ name: "Bad Name", version: "1.0.0", host: "*", config }, "meta.name"],
      [{ name: "x", host: "*", config }, "meta.version"],
      [{ name: "x", version: "one", host: "*", config }, "meta.version"],
      [{ name: "x", version: "1.0.0", config }, "meta.host"],
      [{ name: "x", version: "1.0.0", host: "not a range!", config }, "meta.host"],
      [{ name: "x", version: "1.0.0", host: "*" }, "meta.config"],
      [{ name: "x", version: "1.0.0", host: "*", config: { parse() {} } }, "meta.config"],
      [{ name: "x", version: "1.0.0", host: "*", config, dependencies: ["x"] }, "meta.dependencies"],
      [{ name: "x", version: "1.0.0", host: "*", config, dependencies: ["a", "a@^1"] }, "meta.dependencies"],
      [{ name: "x", version: "1.0.0", host: "*", config, dependencies: ["a@nope!"] }, "meta.dependencies"],
    ];
    for (const [meta, path] of cases) {
      expect(codeOf(() => definePlugin(meta as never, setup)), JSON.stringify(meta)).toEqual(["EP_ERR_PLUGIN_META", path]);
    }
    expect(codeOf(() => definePlugin({ name: "x", version: "1.0.0", host: "*", config }, undefined as never))).toEqual(["EP_ERR_PLUGIN_META", "meta.setup"]);
  });

  it("returns a frozen, branded definition with parsed dependencies", () => {
    const def = definePlugin({ name: "x", version: "1.0.0", host: "^0.1.0", config, dependencies: ["a", "b@^2.1.0", "@scope/c@1.x"] }, setup);
    expect(isPluginDefinition(def)).toBe(true);
    expect(isPluginDefinition({ meta: def.meta, setup })).toBe(false);
    expect(Object.isFrozen(def) && Object.isFrozen(def.meta) && Object.isFrozen(def.meta.dependencies)).toBe(true);
    expect([...def.deps]).toEqual([["a", "*"], ["b", "^2.1.0"], ["@scope/c", "1.x"]]);
    expect(parseDependency("@scope/c")).toEqual(["@scope/c", "*"]);
  });

  it("HOST_VERSION follows package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(HOST_VERSION).toBe(pkg.version);
  });
});
