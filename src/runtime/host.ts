// The plugin host: loads what the config names, checks it (checks.ts, fixed order), builds the
// channels, starts plugins in dependency order with a start timeout, supervises them while they
// run (restart with backoff, then disable; see supervisor.ts) and stops them in reverse order.
import { join } from "node:path";
import { ChannelRegistry, type ChannelReport } from "./channels/registry.ts";
import { DeliveryScheduler } from "./channels/scheduler.ts";
import { runChecks, type LoadedPlugin } from "./checks.ts";
import { ManualClock, monotonicClock, type BoardClock } from "./clock.ts";
import type { InstallationConfig } from "./config.ts";
import { createContext, Scope, type ScopeHost } from "./context.ts";
import { errorMessage, isRuntimeError, RuntimeError } from "./errors.ts";
import { EventBus, type JobEvent, type RuntimeEvent } from "./events.ts";
import { loadPlugins, type PreloadedModules } from "./loader.ts";
import { silentLogger, type Logger } from "./logger.ts";
import { MetricRegistry, type Counter } from "./metrics.ts";
import type { PluginDefinition, PluginHandlers } from "./plugin.ts";
import { decideAfterFailure } from "./supervisor.ts";
import { realTimers, withTimeout, type TimerHandle, type Timers } from "./timers.ts";
import { HOST_VERSION } from "./version.ts";

export type PluginStatus = "loaded" | "starting" | "running" | "restarting" | "disabled" | "stopped" | "failed";

export interface HostOptions {
  /** Default: a silent logger. The CLI passes the one built from `host.logFile`/`logLevel`. */
  logger?: Logger;
  /** Wall-clock timers for timeouts, backoff and plugins' ctx timers. Default: the globals. */
  timers?: Timers;
  /** Board-time source when no plugin drives the clock. Default: monotonic process time. */
  clock?: BoardClock;
  /** Event timestamps (epoch ms). Default Date.now. */
  wallNow?: () => number;
  /**
   * Plugin definitions the embedding program imported itself, keyed by the `module` specifier a
   * config entry uses (an import map). Entries not found here are imported from disk.
   */
  preloaded?: PreloadedModules;
}

export interface PluginInfo {
  name: string;
  version: string;
  module: string;
  dependencies: string[];
  status: PluginStatus;
  failures: number;
  restarts: number;
}

interface PluginRecord {
  name: string;
  def: PluginDefinition;
  module: string;
  config: unknown;
  log: Logger;
  status: PluginStatus;
  scope: Scope | null;
  handlers: PluginHandlers;
  /** Failures since the plugin last ran `healthyMs` without one. */
  consecutive: number;
  lastStartAt: number;
  restartTimer: TimerHandle | null;
  counters: { failures: Counter; restarts: Counter; disabled: Counter };
}

export class Host {
  readonly events = new EventBus();
  readonly metrics = new MetricRegistry();
  private readonly records = new Map<string, PluginRecord>();
  private readonly order: string[];
  private readonly channels: ChannelRegistry;
  private readonly scheduler: DeliveryScheduler;
  private readonly jobBus = new EventBus();
  private readonly timers: Timers;
  private readonly log: Logger;
  private readonly wallNow: () => number;
  private state: "idle" | "starting" | "running" | "stopping" | "stopped" = "idle";
  private stopping: Promise<void> | null = null;
  private readonly clock: BoardClock;
  private readonly scopeHost: ScopeHost;
  /** `host:events.<type>`, e.g. `host:events.plugin_failed`: every host event, counted. */
  private readonly eventCounts = this.metrics.scoped("host:events");

  /** Loads, checks and prepares (channels built, nothing started). */
  static async load(config: InstallationConfig, opts: HostOptions = {}): Promise<Host> {
    const loaded = await loadPlugins(config, opts.preloaded);
    const checked = await runChecks(loaded, HOST_VERSION, config.host.channels);
    return new Host(config, loaded, checked, opts);
  }

  private constructor(
    private readonly config: InstallationConfig,
    loaded: LoadedPlugin[],
    checked: Awaited<ReturnType<typeof runChecks>>,
    opts: HostOptions,
  ) {
    this.timers = opts.timers ?? realTimers;
    this.log = opts.logger ?? silentLogger;
    this.wallNow = opts.wallNow ?? Date.now;
    this.order = checked.order;
    this.scheduler = new DeliveryScheduler((owner, err) => this.fail(owner, err));
    this.channels = new ChannelRegistry(this.scheduler);
    for (const { owner, spec } of checked.channels.values()) this.channels.create(spec, owner);
    // Readers attach now, before any plugin starts, so a consumer sees everything its producer wrote.
    for (const { name, def } of loaded) for (const spec of def.meta.reads ?? []) this.channels.reader(name, spec.name);
    this.scopeHost = {
      timers: this.timers,
      channels: this.channels,
      fail: (plugin, err) => this.fail(plugin, err),
      emitJob: (plugin, ev) => this.emitJob(plugin, ev),
      onJob: (listener) => this.jobBus.on(listener),
    };
    const driven = loaded.some((p) => p.def.meta.drivesClock === true);
    const clock = driven ? new ManualClock() : (opts.clock ?? monotonicClock);
    this.clock = clock;
    for (const { name, def, entry } of loaded) {
      const m = this.metrics.scoped(`host:${name}`);
      this.records.set(name, {
        name,
        def,
        module: entry.module,
        config: checked.configs.get(name),
        log: this.log.child({ plugin: name }),
        status: "loaded",
        scope: null,
        handlers: {},
        consecutive: 0,
        lastStartAt: 0,
        restartTimer: null,
        counters: {
          failures: m.counter("failures", "times the plugin failed while running"),
          restarts: m.counter("restarts", "successful restarts after a failure"),
          disabled: m.counter("disabled", "1 once the plugin was disabled"),
        },
      });
    }
  }

  /** Starts every plugin in dependency order. On a failure, stops those already started and throws. */
  async start(): Promise<void> {
    if (this.state !== "idle") throw new RuntimeError("EP_ERR_HOST_STATE", `host.start() called while ${this.state}`, { expected: "idle" });
    this.state = "starting";
    for (const name of this.order) {
      const rec = this.records.get(name)!;
      try {
        await this.startPlugin(rec);
      } catch (err) {
        rec.status = "failed";
        this.emit("plugin.start-failed", name, errorMessage(err), { code: (err as RuntimeError).code }, "error");
        this.state = "running";
        await this.stop();
        throw err;
      }
      if (this.state !== "starting") {
        // stop() arrived while this plugin was starting: it missed stopAll's pass, so stop it here.
        await this.stopPlugin(rec);
        rec.status = "stopped";
        return;
      }
    }
    if (this.state === "starting") this.state = "running";
    this.emit("host.started", "host", `started ${this.order.length} plugins`, { order: this.order });
  }

  /** Stops running plugins in reverse dependency order (each within the stop timeout). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** The plugins in start order, with their state. */
  plugins(): PluginInfo[] {
    return this.order.map((name) => {
      const r = this.records.get(name)!;
      return {
        name,
        version: r.def.meta.version,
        module: r.module,
        dependencies: [...r.def.meta.dependencies],
        status: r.status,
        failures: r.counters.failures.value,
        restarts: r.counters.restarts.value,
      };
    });
  }

  /**
   * Resolves once the pipeline is idle: no delivery queued, no async channel handler still running,
   * and every reader with a handler has read all it was sent (checked after each event-loop turn).
   * Work a plugin does outside its handlers (its own timers, streams) is not seen. A replay awaits this after its
   * source has written the last item and before stop(), because stop() goes in reverse dependency
   * order (consumers first) and would otherwise cut off items still in flight.
   */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.scheduler.busy() && this.channels.drained()) return;
    }
  }

  channelReport(): ChannelReport[] {
    return this.channels.report();
  }

  private async startPlugin(rec: PluginRecord): Promise<void> {
    rec.status = "starting";
    rec.lastStartAt = this.timers.now();
    const scope = new Scope(rec.name, this.scopeHost);
    rec.scope = scope;
    const ctx = createContext(scope, this.scopeHost, {
      def: rec.def,
      config: rec.config,
      log: rec.log,
      clock: this.clock,
      dataDir: join(this.config.host.dataDir, rec.name),
      metrics: this.metrics.scoped(rec.name),
    });
    const ms = this.config.host.startTimeoutMs;
    const run = (async () => {
      const handlers = (await rec.def.setup(ctx as never, rec.config as never)) ?? {};
      if (!scope.closed) await handlers.start?.();
      return handlers;
    })();
    try {
      rec.handlers = await withTimeout(this.timers, run, ms, () =>
        new RuntimeError("EP_ERR_PLUGIN_START_TIMEOUT", `plugin '${rec.name}' did not start within ${ms} ms`, {
          plugin: rec.name,
          path: "host.startTimeoutMs",
          expected: `setup and start to settle within ${ms} ms`,
        }),
      );
    } catch (err) {
      scope.close();
      // A setup that settles after its timeout may have opened things: let it release them.
      run.then((late) => late.stop?.(), () => undefined).catch((e: unknown) =>
        this.emit("plugin.stop-failed", rec.name, errorMessage(e), { code: "EP_ERR_PLUGIN_STOP" }, "error"),
      );
      if (isRuntimeError(err)) throw err;
      throw new RuntimeError("EP_ERR_PLUGIN_START", `plugin '${rec.name}' failed to start: ${errorMessage(err)}`, { plugin: rec.name, cause: err });
    }
    rec.status = "running";
    rec.lastStartAt = this.timers.now();
    this.emit("plugin.started", rec.name, `started ${rec.name} ${rec.def.meta.version}`, {});
  }

  private async stopPlugin(rec: PluginRecord): Promise<void> {
    rec.scope?.close();
    const ms = this.config.host.stopTimeoutMs;
    const stop = rec.handlers.stop;
    rec.handlers = {};
    if (!stop) return;
    try {
      await withTimeout(this.timers, Promise.resolve().then(stop), ms, () =>
        new RuntimeError("EP_ERR_PLUGIN_STOP_TIMEOUT", `plugin '${rec.name}' did not stop within ${ms} ms`, {
          plugin: rec.name,
          path: "host.stopTimeoutMs",
          expected: `stop to settle within ${ms} ms`,
        }),
      );
    } catch (err) {
      const code = isRuntimeError(err) ? err.code : "EP_ERR_PLUGIN_STOP";
      this.emit("plugin.stop-failed", rec.name, errorMessage(err), { code }, "error");
    }
  }

  private async stopAll(): Promise<void> {
    this.state = "stopping";
    for (const name of [...this.order].reverse()) {
      const rec = this.records.get(name)!;
      if (rec.restartTimer !== null) this.timers.clearTimeout(rec.restartTimer);
      rec.restartTimer = null;
      if (rec.status !== "running" && rec.status !== "restarting") continue;
      await this.stopPlugin(rec);
      rec.status = "stopped";
      this.emit("plugin.stopped", name, `stopped ${name}`, {});
    }
    this.state = "stopped";
    this.emit("host.stopped", "host", "all plugins stopped", {});
  }

  /** A running plugin failed: stop it, then restart it after a backoff, or disable it. */
  private fail(name: string, err: unknown): void {
    const rec = this.records.get(name);
    if (!rec || rec.status !== "running" || !this.active()) return;
    this.failure(rec, err);
  }

  private failure(rec: PluginRecord, err: unknown): void {
    rec.status = "restarting";
    rec.counters.failures.inc();
    const decision = decideAfterFailure(rec, this.timers.now(), this.config.host.restart);
    this.emit("plugin.failed", rec.name, errorMessage(err), {
      code: "EP_ERR_PLUGIN_CRASHED",
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
      consecutive: rec.consecutive,
    }, "error");
    void this.stopPlugin(rec).then(() => {
      if (!this.active()) return;
      if (decision.action === "disable") return this.disable(rec);
      const { delayMs } = decision;
      this.emit("plugin.restarting", rec.name, `restarting in ${delayMs} ms (attempt ${rec.consecutive})`, { delayMs, attempt: rec.consecutive }, "warn");
      rec.restartTimer = this.timers.setTimeout(() => {
        rec.restartTimer = null;
        void this.restart(rec);
      }, delayMs);
    });
  }

  private active(): boolean {
    return this.state === "starting" || this.state === "running";
  }

  private disable(rec: PluginRecord): void {
    rec.status = "disabled";
    rec.counters.disabled.inc();
    this.channels.detachPlugin(rec.name);
    this.emit("plugin.disabled", rec.name, `disabled after ${rec.consecutive} failures in a row`, {
      code: "EP_ERR_PLUGIN_DISABLED",
      failures: rec.consecutive,
    }, "error");
  }

  private async restart(rec: PluginRecord): Promise<void> {
    if (!this.active()) return;
    try {
      await this.startPlugin(rec);
    } catch (err) {
      // A restart that fails counts as one more consecutive failure.
      if (this.active()) this.failure(rec, err);
      return;
    }
    rec.counters.restarts.inc();
    this.emit("plugin.restarted", rec.name, `restarted ${rec.name}`, { restarts: rec.counters.restarts.value });
  }

  private emit(type: string, source: string, message: string, data: Record<string, unknown>, level: "info" | "warn" | "error" = "info"): void {
    const event: RuntimeEvent = { type, time: this.wallNow(), source, message, data };
    this.eventCounts.counter(type.replaceAll(".", "_"), "host events of this type").inc();
    this.log[level]({ event: type, ...(source === "host" ? {} : { plugin: source }), data }, message);
    this.events.emit(event, (_l, err) => this.log.error({ err }, "event listener threw"));
  }

  private emitJob(plugin: string, ev: JobEvent): void {
    const event: RuntimeEvent = {
      type: ev.type,
      time: this.wallNow(),
      source: plugin,
      message: ev.message ?? `${ev.type} ${ev.job}`,
      data: { job: ev.job, boardUs: ev.boardUs, ...ev.data },
    };
    this.log.info({ event: ev.type, plugin, data: event.data }, event.message);
    this.events.emit(event, (_l, err) => this.log.error({ err }, "event listener threw"));
    this.jobBus.emit(event, () => undefined);
  }

}
