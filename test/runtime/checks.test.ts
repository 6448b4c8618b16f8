import { describe, expect, it } from "vitest";
import { z } from "zod";
import { numericChannel, objectChannel } from "../../src/runtime/channels/spec.ts";
import { RuntimeErrors, type RuntimeError } from "../../src/runtime/errors.ts";
import { Host } from "../../src/runtime/host.ts";
import { definePlugin, type PluginDefinition } from "../../src/runtime/plugin.ts";
import { configOf, type Installed } from "./support/harness.ts";

function plugin(name: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}): PluginDefinition {
  return definePlugin({ name, version: "1.2.0", host: "^0.1.0", config: z.object({}), ...extra }, () => ({}));
}

async function loadErrors(plugins: Array<PluginDefinition | Installed>): Promise<RuntimeError[]> {
  const { config, preloaded } = await configOf(plugins);
  try {
    await Host.load(config, { preloaded });
  } catch (err) {
    expect(err).toBeInstanceOf(RuntimeErrors);
    return [...(err as RuntimeErrors).errors];
  }
  throw new Error("load succeeded");
}

describe("host checks (fixed order: versions, dependencies, config, channels)", () => {
  it("EP_ERR_HOST_VERSION names the plugin, its range and this host's version", async () => {
    const [err, ...rest] = await loadErrors([plugin("old", { host: "^2.0.0" })]);
    expect(rest).toEqual([]);
    expect(err.code).toBe("EP_ERR_HOST_VERSION");
    expect(err).toMatchObject({ plugin: "old", path: "plugins.old", expected: "host version in ^2.0.0", received: "0.1.0" });
  });

  it("EP_ERR_DEPENDENCY_MISSING for an absent or disabled dependency", async () => {
    const errs = await loadErrors([plugin("a", { dependencies: ["ghost"] }), plugin("b", { dependencies: ["off"] }), { def: plugin("off"), enabled: false }]);
    expect(errs.map((e) => [e.code, e.plugin, e.path])).toEqual([
      ["EP_ERR_DEPENDENCY_MISSING", "a", "plugins.a"],
      ["EP_ERR_DEPENDENCY_MISSING", "b", "plugins.b"],
    ]);
    expect(errs[0].message).toBe("plugin 'a' depends on 'ghost', which is not configured or not enabled");
  });

  it("EP_ERR_DEPENDENCY_VERSION when the loaded dependency is outside the range", async () => {
    const [err] = await loadErrors([plugin("a", { dependencies: ["b@^2.0.0"] }), plugin("b")]);
    expect(err).toMatchObject({ code: "EP_ERR_DEPENDENCY_VERSION", plugin: "a", expected: "'b' ^2.0.0", received: "1.2.0" });
  });

  it("EP_ERR_DEPENDENCY_CYCLE names the loop", async () => {
    const [err] = await loadErrors([plugin("x", { dependencies: ["y"] }), plugin("y", { dependencies: ["z"] }), plugin("z", { dependencies: ["x"] }), plugin("free")]);
    expect(err.code).toBe("EP_ERR_DEPENDENCY_CYCLE");
    expect(err.received).toBe("x -> y -> z -> x");
  });

  it("EP_ERR_PLUGIN_CONFIG: one error per issue, with the full config path and what was expected", async () => {
    const schema = z.object({ port: z.string(), rate: z.number().int().min(1), nested: z.object({ on: z.boolean() }) });
    const errs = await loadErrors([{ def: plugin("src", { config: schema }), config: { port: 3, rate: 0, nested: { on: "yes" } } }]);
    expect(errs.map((e) => [e.code, e.plugin, e.path])).toEqual([
      ["EP_ERR_PLUGIN_CONFIG", "src", "plugins.src.config.port"],
      ["EP_ERR_PLUGIN_CONFIG", "src", "plugins.src.config.rate"],
      ["EP_ERR_PLUGIN_CONFIG", "src", "plugins.src.config.nested.on"],
    ]);
    expect(errs[0].expected).toMatch(/expected string/);
    expect(errs[1].expected).toMatch(/>=1/);
  });

  it("reports the earliest failing stage only: a version error hides config errors", async () => {
    const errs = await loadErrors([
      plugin("old", { host: "^9.0.0" }),
      { def: plugin("cfg", { config: z.object({ n: z.number() }) }), config: { n: "x" } },
      plugin("dep", { dependencies: ["nope"] }),
    ]);
    expect(errs.map((e) => e.code)).toEqual(["EP_ERR_HOST_VERSION"]);
    const next = await loadErrors([
      { def: plugin("cfg", { config: z.object({ n: z.number() }) }), config: { n: "x" } },
      plugin("dep", { dependencies: ["nope"] }),
    ]);
    expect(next.map((e) => e.code)).toEqual(["EP_ERR_DEPENDENCY_MISSING"]);
  });

  it("channel checks: two writers, no writer, shape mismatch, two clock drivers", async () => {
    const a = numericChannel("ch.a", { fields: ["t", "x"] });
    const aOther = numericChannel("ch.a", { fields: ["t", "y"] });
    const b = objectChannel("ch.b");
    const errs = await loadErrors([
      plugin("w1", { writes: [a], drivesClock: true }),
      plugin("w2", { writes: [a], drivesClock: true }),
      plugin("r1", { reads: [b] }),
      plugin("r2", { reads: [aOther] }),
    ]);
    expect(errs.map((e) => [e.code, e.plugin])).toEqual([
      ["EP_ERR_CHANNEL_WRITERS", "w2"],
      ["EP_ERR_CLOCK_DRIVERS", "w2"],
      ["EP_ERR_CHANNEL_NO_WRITER", "r1"],
      ["EP_ERR_CHANNEL_MISMATCH", "r2"],
    ]);
    expect(errs[3]).toMatchObject({ expected: "fields [t,x]", received: "[t,y]" });
  });

  it("host.channels overrides a ring's capacity; naming an unwritten channel is EP_ERR_CONFIG_INVALID", async () => {
    const a = numericChannel("ch.a", { fields: ["t"], capacity: 16, policy: "reject" });
    const { config, preloaded } = await configOf([plugin("w", { writes: [a] })], { channels: { "ch.a": { capacity: 4096 } } });
    const host = await Host.load(config, { preloaded });
    expect(host.channelReport()[0]).toMatchObject({ name: "ch.a", capacity: 4096, policy: "reject" });
    const bad = await configOf([plugin("w", { writes: [a] })], { channels: { "ch.typo": { capacity: 8 } } });
    const err = (await Host.load(bad.config, { preloaded: bad.preloaded }).catch((e: unknown) => e)) as RuntimeErrors;
    expect(err.errors.map((e) => [e.code, e.path, e.expected])).toEqual([["EP_ERR_CONFIG_INVALID", "host.channels.ch.typo", "one of: ch.a"]]);
  });

  it("load errors: unknown module, a module without a plugin, a key that is not the plugin's name", async () => {
    const { config } = await configOf([]);
    config.plugins = {
      missing: { module: "./does-not-exist.ts", enabled: true },
      nopkg: { module: "edgeprop-plugin-surely-not-installed", enabled: true },
    };
    const err = await Host.load(config).catch((e: RuntimeErrors) => e);
    expect((err as RuntimeErrors).errors.map((e) => [e.code, e.path])).toEqual([
      ["EP_ERR_PLUGIN_LOAD", "plugins.missing.module"],
      ["EP_ERR_PLUGIN_LOAD", "plugins.nopkg.module"],
    ]);
    const { config: c2 } = await configOf([]);
    c2.plugins = { notaplugin: { module: "test:x", enabled: true }, wrongname: { module: "test:y", enabled: true } };
    const err2 = await Host.load(c2, { preloaded: { "test:x": { setup() {} }, "test:y": plugin("rightname") } }).catch((e: RuntimeErrors) => e);
    expect((err2 as RuntimeErrors).errors.map((e) => e.code)).toEqual(["EP_ERR_PLUGIN_NOT_A_PLUGIN", "EP_ERR_PLUGIN_NAME_MISMATCH"]);
  });
});
