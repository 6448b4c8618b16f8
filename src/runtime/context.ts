// Builds the frozen `ctx` a plugin receives. Everything a plugin registers through it (timers,
// channel handlers, job listeners) belongs to a Scope; closing the scope (on stop, failure or
// disable) cancels all of it, and a callback that fires after that is ignored. Every callback the
// host runs for a plugin goes through `guard`, so a throw is charged to that plugin alone.
import type { ChannelRegistry } from "./channels/registry.ts";
import type { ChannelSpec } from "./channels/spec.ts";
import type { BoardClock, DrivenClock } from "./clock.ts";
import { RuntimeError } from "./errors.ts";
import type { JobEvent, RuntimeEvent } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { ChannelApi, JobApi, PluginContext, PluginDefinition, TimerApi } from "./plugin.ts";
import type { TimerHandle, Timers } from "./timers.ts";

export interface ScopeHost {
  timers: Timers;
  channels: ChannelRegistry;
  /** A plugin's callback threw or its promise rejected. */
  fail(plugin: string, err: unknown): void;
  emitJob(plugin: string, event: JobEvent): void;
  onJob(listener: (event: RuntimeEvent) => void): () => void;
}

export class Scope {
  closed = false;
  private readonly timerHandles = new Map<number, TimerHandle>();
  private readonly cleanups: Array<() => void> = [];
  private nextTimer = 1;

  constructor(readonly plugin: string, private readonly host: ScopeHost) {}

  /**
   * Runs `fn` for the plugin; a throw or rejection fails the plugin. Ignored once closed. When `fn`
   * returns a promise, returns one that settles with it and never rejects (so callers can wait).
   */
  guard(fn: () => unknown): Promise<void> | undefined {
    if (this.closed) return undefined;
    try {
      const r = fn();
      if (r !== undefined && typeof (r as Promise<unknown>).then === "function") {
        return (r as Promise<unknown>).then(
          () => undefined,
          (err: unknown) => this.report(err),
        );
      }
    } catch (err) {
      this.report(err);
    }
    return undefined;
  }

  report(err: unknown): void {
    if (!this.closed) this.host.fail(this.plugin, err);
  }

  timeout(fn: () => void, ms: number, repeat: boolean): number {
    const id = this.nextTimer++;
    const arm = (): void => {
      this.timerHandles.set(
        id,
        this.host.timers.setTimeout(() => {
          if (this.closed) return;
          if (repeat) arm();
          else this.timerHandles.delete(id);
          this.guard(fn);
        }, ms),
      );
    };
    if (!this.closed) arm();
    return id;
  }

  clear(id: number): void {
    const h = this.timerHandles.get(id);
    if (h !== undefined) this.host.timers.clearTimeout(h);
    this.timerHandles.delete(id);
  }

  /** Runs `fn` when the scope closes (at once if it already has: a late setup cleans up too). */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.timerHandles.values()) this.host.timers.clearTimeout(h);
    this.timerHandles.clear();
    for (const fn of this.cleanups.splice(0)) fn();
  }
}

export interface ContextParts {
  def: PluginDefinition;
  config: unknown;
  log: Logger;
  clock: BoardClock | DrivenClock;
  dataDir: string;
  metrics: Metrics;
}

function undeclared(plugin: string, spec: ChannelSpec, list: "writes" | "reads"): RuntimeError {
  return new RuntimeError("EP_ERR_CHANNEL_UNDECLARED", `plugin '${plugin}' used channel '${spec.name}' without listing it in meta.${list}`, {
    plugin,
    path: `meta.${list}`,
    expected: `'${spec.name}' in meta.${list}`,
  });
}

export function createContext(scope: Scope, host: ScopeHost, parts: ContextParts): PluginContext {
  const { def } = parts;
  const name = def.meta.name;
  const writes = new Set((def.meta.writes ?? []).map((s) => s.name));
  const reads = new Set((def.meta.reads ?? []).map((s) => s.name));

  const channels: ChannelApi = Object.freeze({
    writer(spec: ChannelSpec) {
      if (!writes.has(spec.name)) throw undeclared(name, spec, "writes");
      return host.channels.writer(spec.name) as never;
    },
    reader(spec: ChannelSpec, onData?: (reader: never) => void | Promise<void>) {
      if (!reads.has(spec.name)) throw undeclared(name, spec, "reads");
      const handle = host.channels.reader(name, spec.name);
      if (onData && !scope.closed) {
        const facade = handle.facade as never;
        const deliver = (): unknown => onData(facade); // made once: a delivery allocates no closure
        host.channels.setHandler(handle, () => scope.guard(deliver));
        scope.onClose(() => host.channels.setHandler(handle, null));
      }
      return handle.facade as never;
    },
  });

  const jobs: JobApi = Object.freeze({
    emit: (event: JobEvent) => {
      if (!scope.closed) host.emitJob(name, event);
    },
    on: (listener: (event: RuntimeEvent) => void) => {
      scope.onClose(host.onJob((e) => scope.guard(() => listener(e))));
    },
  });

  const timers: TimerApi = Object.freeze({
    setTimeout: (fn: () => void, ms: number) => scope.timeout(fn, ms, false),
    setInterval: (fn: () => void, ms: number) => scope.timeout(fn, ms, true),
    clear: (id: number) => scope.clear(id),
  });

  const clock = def.meta.drivesClock
    ? Object.freeze({ nowUs: () => parts.clock.nowUs(), advanceTo: (us: number) => (parts.clock as DrivenClock).advanceTo(us) })
    : Object.freeze({ nowUs: () => parts.clock.nowUs() });

  return Object.freeze({
    name,
    config: parts.config,
    log: parts.log,
    clock,
    dataDir: parts.dataDir,
    channels,
    jobs,
    metrics: parts.metrics,
    timers,
    reportError: (err: unknown) => scope.report(err),
  });
}
