// definePlugin(meta, setup): the one way to make a plugin. `meta` is checked here (a JS author
// without types still gets a coded error) and again by the host against what is loaded.
import semver from "semver";
import type { NumericReader, ObjectReader, Reader, Writer } from "./channels/endpoints.ts";
import type { ChannelSpec } from "./channels/spec.ts";
import type { BoardClock, DrivenClock } from "./clock.ts";
import { RuntimeError } from "./errors.ts";
import type { JobEvent, RuntimeEvent } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { InferOutput, StandardSchemaV1 } from "./schema.ts";
import { isStandardSchema } from "./schema.ts";

export const PLUGIN_BRAND = Symbol.for("edgeprop.plugin");

export interface PluginMeta<S extends StandardSchemaV1 = StandardSchemaV1> {
  /** Unique name; the config's key for this plugin must be the same. */
  readonly name: string;
  /** The plugin's own version (semver). */
  readonly version: string;
  /** Host versions supported, as a semver range, e.g. `^0.1.0`. */
  readonly host: string;
  /** Schema of the plugin's `config` section (zod 4 or any Standard Schema v1). */
  readonly config: S;
  /** Plugins that must be loaded and started first: `name` or `name@range`. */
  readonly dependencies?: readonly string[];
  /** Channels this plugin writes (it is their only writer; the host builds them from these). */
  readonly writes?: readonly ChannelSpec[];
  /** Channels this plugin reads. */
  readonly reads?: readonly ChannelSpec[];
  /** This plugin moves board time (`ctx.clock.advanceTo`); at most one plugin may. */
  readonly drivesClock?: boolean;
  readonly description?: string;
}

export interface PluginHandlers {
  /** Begin work: open ports, start timers. Must settle within the host's start timeout. */
  start?(): void | Promise<void>;
  /** Flush what the plugin holds and release everything; called in reverse dependency order. */
  stop?(): void | Promise<void>;
}

export interface TimerApi {
  /** Runs `fn` once after `ms`; a throw fails this plugin. Cleared when the plugin stops. */
  setTimeout(fn: () => void, ms: number): number;
  /** Runs `fn` every `ms`; a throw fails this plugin. Cleared when the plugin stops. */
  setInterval(fn: () => void, ms: number): number;
  clear(id: number): void;
}

export interface ChannelApi {
  /** The writer of a channel listed in meta.writes. */
  writer<S extends ChannelSpec>(spec: S): Writer<S>;
  /**
   * A reader of a channel listed in meta.reads, with its own cursor (attached when the host was
   * built, so it starts at the channel's first item).
   * `onData` (optional) runs in a microtask after writes; drain with next()/shift() until empty.
   */
  reader<S extends ChannelSpec>(spec: S, onData?: (reader: Reader<S>) => void | Promise<void>): Reader<S>;
}

export interface JobApi {
  /** Announces a job lifecycle step to the host (logged, evented) and to other plugins. */
  emit(event: JobEvent): void;
  /** Receives every plugin's job events (including this one's), with time and source. */
  on(listener: (event: RuntimeEvent) => void): void;
}

/** Everything a plugin may touch. Frozen; one per plugin (per start). */
export interface PluginContext<C = unknown> {
  readonly name: string;
  readonly config: C;
  readonly log: Logger;
  readonly clock: BoardClock;
  /** This plugin's own data folder (`<dataDir>/<name>`), created on first use by the plugin. */
  readonly dataDir: string;
  readonly channels: ChannelApi;
  readonly jobs: JobApi;
  readonly metrics: Metrics;
  readonly timers: TimerApi;
  /** Reports an error from async work the host cannot see (a stream's 'error'); fails the plugin. */
  reportError(err: unknown): void;
}

export interface ClockDriverContext<C = unknown> extends PluginContext<C> {
  readonly clock: DrivenClock;
}

/** `ctx` is a ClockDriverContext (with `clock.advanceTo`) when meta says `drivesClock: true`. */
export type PluginSetup<S extends StandardSchemaV1, D extends boolean = boolean> = (
  ctx: D extends true ? ClockDriverContext<InferOutput<S>> : PluginContext<InferOutput<S>>,
  config: InferOutput<S>,
) => PluginHandlers | Promise<PluginHandlers>;

// The default (`any` schema) is what the host stores: any specific definition is assignable to it,
// which a `StandardSchemaV1` default would refuse (setup's parameters are contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface PluginDefinition<S extends StandardSchemaV1 = any> {
  readonly [PLUGIN_BRAND]: true;
  readonly meta: PluginMeta<S> & { readonly dependencies: readonly string[] };
  /** `dependencies` parsed: name → semver range (`*` when none given). */
  readonly deps: ReadonlyMap<string, string>;
  readonly setup: PluginSetup<S>;
}

/** `name` or `name@range` → [name, range]. */
export function parseDependency(dep: string): [string, string] {
  const at = dep.indexOf("@", 1);
  return at < 0 ? [dep, "*"] : [dep.slice(0, at), dep.slice(at + 1)];
}

function metaError(name: string, field: string, expected: string, received: unknown): RuntimeError {
  return new RuntimeError("EP_ERR_PLUGIN_META", `plugin '${name}': meta.${field} must be ${expected}`, {
    plugin: name,
    path: `meta.${field}`,
    expected,
    received: JSON.stringify(received) ?? String(received),
  });
}

export function definePlugin<S extends StandardSchemaV1, D extends boolean = false>(
  meta: PluginMeta<S> & { readonly drivesClock?: D },
  setup: PluginSetup<S, D>,
): PluginDefinition<S> {
  const name = typeof meta?.name === "string" ? meta.name : "?";
  if (typeof meta?.name !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(meta.name)) {
    throw metaError(name, "name", "a lower-case name of [a-z0-9._-]", meta?.name);
  }
  if (typeof meta.version !== "string" || semver.valid(meta.version) === null) {
    throw metaError(name, "version", "a semver version like 1.2.3", meta.version);
  }
  if (typeof meta.host !== "string" || semver.validRange(meta.host) === null) {
    throw metaError(name, "host", "a semver range of supported host versions like ^0.1.0", meta.host);
  }
  if (!isStandardSchema(meta.config)) throw metaError(name, "config", "a schema (zod 4 or Standard Schema v1)", typeof meta.config);
  if (typeof setup !== "function") throw metaError(name, "setup", "a function (ctx, config) => handlers", typeof setup);
  const deps = new Map<string, string>();
  for (const dep of meta.dependencies ?? []) {
    const [depName, range] = typeof dep === "string" ? parseDependency(dep) : ["", ""];
    if (depName === "" || semver.validRange(range) === null || deps.has(depName) || depName === meta.name) {
      throw metaError(name, "dependencies", "distinct other plugins' names, each optionally @semver-range", dep);
    }
    deps.set(depName, range);
  }
  const frozenMeta = Object.freeze({
    ...meta,
    dependencies: Object.freeze([...(meta.dependencies ?? [])]),
    writes: Object.freeze([...(meta.writes ?? [])]),
    reads: Object.freeze([...(meta.reads ?? [])]),
  });
  return Object.freeze({ [PLUGIN_BRAND]: true as const, meta: frozenMeta, deps, setup });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

export type { NumericReader, ObjectReader };
