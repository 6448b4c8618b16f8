// The host's checks, always in this order; each stage reports all its errors and stops the run,
// because later stages assume earlier ones passed:
//   1 versions      host version in each plugin's `meta.host` range
//   2 dependencies  present (and enabled), in the required version range, no cycles
//   3 config        each plugin's config section against its schema
//   4 channels      one writer per channel, every read channel written, shapes agree, ≤ 1 clock
//                   driver, capacity overrides (host.channels) name written channels
import semver from "semver";
import type { ChannelSpec } from "./channels/spec.ts";
import { specMismatch } from "./channels/spec.ts";
import type { PluginEntry } from "./config.ts";
import { RuntimeError, RuntimeErrors } from "./errors.ts";
import type { PluginDefinition } from "./plugin.ts";
import { validateWith } from "./schema.ts";

export interface LoadedPlugin {
  name: string;
  def: PluginDefinition;
  entry: PluginEntry;
}

export interface CheckedPlugins {
  /** Names in start order (dependencies first; ties in config order). */
  order: string[];
  configs: Map<string, unknown>;
  /** Channel name → the writing plugin and its descriptor. */
  channels: Map<string, { owner: string; spec: ChannelSpec }>;
}

function fail(errors: RuntimeError[]): void {
  if (errors.length > 0) throw new RuntimeErrors(errors);
}

export function checkVersions(plugins: LoadedPlugin[], hostVersion: string): void {
  const errors: RuntimeError[] = [];
  for (const { name, def } of plugins) {
    if (!semver.satisfies(hostVersion, def.meta.host, { includePrerelease: true })) {
      errors.push(
        new RuntimeError("EP_ERR_HOST_VERSION", `plugin '${name}' ${def.meta.version} supports host ${def.meta.host}, this host is ${hostVersion}`, {
          plugin: name,
          path: `plugins.${name}`,
          expected: `host version in ${def.meta.host}`,
          received: hostVersion,
        }),
      );
    }
  }
  fail(errors);
}

/** Checks presence and ranges, then returns a topological order (Kahn), or throws on a cycle. */
export function checkDependencies(plugins: LoadedPlugin[]): string[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const errors: RuntimeError[] = [];
  for (const { name, def } of plugins) {
    for (const [dep, range] of def.deps) {
      const target = byName.get(dep);
      const path = `plugins.${name}`;
      if (!target) {
        errors.push(new RuntimeError("EP_ERR_DEPENDENCY_MISSING", `plugin '${name}' depends on '${dep}', which is not configured or not enabled`, {
          plugin: name, path, expected: `an enabled plugin '${dep}'${range === "*" ? "" : ` ${range}`} in plugins`,
        }));
      } else if (!semver.satisfies(target.def.meta.version, range, { includePrerelease: true })) {
        errors.push(new RuntimeError("EP_ERR_DEPENDENCY_VERSION", `plugin '${name}' needs '${dep}' ${range}, loaded ${target.def.meta.version}`, {
          plugin: name, path, expected: `'${dep}' ${range}`, received: target.def.meta.version,
        }));
      }
    }
  }
  fail(errors);

  const remaining = new Map(plugins.map((p) => [p.name, p.def.deps.size]));
  const order: string[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const { name } of plugins) {
      if (remaining.get(name) !== 0) continue;
      remaining.delete(name);
      order.push(name);
      progressed = true;
      for (const other of plugins) if (other.def.deps.has(name)) remaining.set(other.name, (remaining.get(other.name) ?? 1) - 1);
    }
  }
  if (remaining.size > 0) fail([cycleError(plugins, [...remaining.keys()])]);
  return order;
}

function cycleError(plugins: LoadedPlugin[], stuck: string[]): RuntimeError {
  const deps = new Map(plugins.map((p) => [p.name, [...p.def.deps.keys()]]));
  // Walk from a stuck plugin along stuck dependencies until a name repeats: that loop is the cycle.
  const seen: string[] = [];
  let at = stuck[0];
  while (!seen.includes(at)) {
    seen.push(at);
    at = (deps.get(at) ?? []).find((d) => stuck.includes(d)) ?? at;
  }
  const cycle = [...seen.slice(seen.indexOf(at)), at];
  return new RuntimeError("EP_ERR_DEPENDENCY_CYCLE", `plugin dependencies form a cycle: ${cycle.join(" -> ")}`, {
    plugin: cycle[0],
    path: `plugins.${cycle[0]}`,
    expected: "dependencies without cycles",
    received: cycle.join(" -> "),
  });
}

export async function checkConfigs(plugins: LoadedPlugin[]): Promise<Map<string, unknown>> {
  const errors: RuntimeError[] = [];
  const configs = new Map<string, unknown>();
  for (const { name, def, entry } of plugins) {
    const result = await validateWith(def.meta.config, entry.config ?? {}, "EP_ERR_PLUGIN_CONFIG", `plugins.${name}.config`, name);
    if (result.ok) configs.set(name, deepFreeze(structuredClone(result.value)));
    else errors.push(...result.errors);
  }
  fail(errors);
  return configs;
}

export function checkChannels(
  plugins: LoadedPlugin[],
  capacities: Readonly<Record<string, { capacity: number }>> = {},
): Map<string, { owner: string; spec: ChannelSpec }> {
  const errors: RuntimeError[] = [];
  const channels = new Map<string, { owner: string; spec: ChannelSpec }>();
  for (const { name, def } of plugins) {
    for (const spec of def.meta.writes ?? []) {
      const prior = channels.get(spec.name);
      if (prior) {
        errors.push(new RuntimeError("EP_ERR_CHANNEL_WRITERS", `channel '${spec.name}' is written by '${prior.owner}' and '${name}'`, {
          plugin: name, path: `plugins.${name}`, expected: "one writer per channel", received: `${prior.owner}, ${name}`,
        }));
      } else channels.set(spec.name, { owner: name, spec });
    }
  }
  const drivers = plugins.filter((p) => p.def.meta.drivesClock === true).map((p) => p.name);
  if (drivers.length > 1) {
    errors.push(new RuntimeError("EP_ERR_CLOCK_DRIVERS", `board time is driven by more than one plugin: ${drivers.join(", ")}`, {
      plugin: drivers[1], path: `plugins.${drivers[1]}`, expected: "at most one plugin with drivesClock", received: drivers.join(", "),
    }));
  }
  for (const { name, def } of plugins) {
    for (const spec of def.meta.reads ?? []) {
      const w = channels.get(spec.name);
      const path = `plugins.${name}`;
      if (!w) {
        errors.push(new RuntimeError("EP_ERR_CHANNEL_NO_WRITER", `plugin '${name}' reads channel '${spec.name}', which no loaded plugin writes`, {
          plugin: name, path, expected: `a loaded plugin with '${spec.name}' in meta.writes`,
        }));
        continue;
      }
      const why = specMismatch(w.spec, spec);
      if (why) {
        errors.push(new RuntimeError("EP_ERR_CHANNEL_MISMATCH", `plugin '${name}' reads channel '${spec.name}' with another shape than '${w.owner}' writes`, {
          plugin: name, path, expected: why.split(", got ")[0], received: why.split(", got ")[1],
        }));
      }
    }
  }
  for (const [name, { capacity }] of Object.entries(capacities)) {
    const ch = channels.get(name);
    if (!ch) {
      errors.push(new RuntimeError("EP_ERR_CONFIG_INVALID", `host.channels names channel '${name}', which no loaded plugin writes`, {
        path: `host.channels.${name}`,
        expected: `one of: ${[...channels.keys()].join(", ") || "(no channels)"}`,
      }));
    } else ch.spec = Object.freeze({ ...ch.spec, capacity });
  }
  fail(errors);
  return channels;
}

export async function runChecks(
  plugins: LoadedPlugin[],
  hostVersion: string,
  capacities: Readonly<Record<string, { capacity: number }>> = {},
): Promise<CheckedPlugins> {
  checkVersions(plugins, hostVersion);
  const order = checkDependencies(plugins);
  const configs = await checkConfigs(plugins);
  const channels = checkChannels(plugins, capacities);
  return { order, configs, channels };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
