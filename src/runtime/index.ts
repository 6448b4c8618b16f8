// The public runtime API: what a plugin author (built-in or third party) and the CLI import, as
// `edgeprop/runtime` from outside this package. Nothing else in src/runtime is a stable contract.
export { definePlugin, isPluginDefinition, parseDependency } from "./plugin.ts";
export type {
  ChannelApi,
  ClockDriverContext,
  JobApi,
  PluginContext,
  PluginDefinition,
  PluginHandlers,
  PluginMeta,
  PluginSetup,
  TimerApi,
} from "./plugin.ts";
export { numericChannel, objectChannel, OVERFLOW_POLICIES } from "./channels/spec.ts";
export type { ChannelSpec, NumericChannelSpec, ObjectChannelSpec, OverflowPolicy } from "./channels/spec.ts";
export type { ChannelStats, NumericReader, NumericWriter, ObjectReader, ObjectWriter, Reader, Writer } from "./channels/endpoints.ts";
export type { ChannelReport } from "./channels/registry.ts";
export { ManualClock, monotonicClock } from "./clock.ts";
export type { BoardClock, DrivenClock } from "./clock.ts";
export { ErrorCodes, RuntimeError, RuntimeErrors, isRuntimeError } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export type { JobEvent, RuntimeEvent } from "./events.ts";
export { Counter, Gauge, Histogram } from "./metrics.ts";
export type { Metrics, MetricSnapshot } from "./metrics.ts";
export { createLogger, humanLine } from "./logger.ts";
export type { Logger, LogLevel } from "./logger.ts";
export { installationSchema, loadConfigFile, parseConfig } from "./config.ts";
export type { HostSettings, InstallationConfig, PluginEntry } from "./config.ts";
export { Host } from "./host.ts";
export { loadPlugins } from "./loader.ts";
export type { HostOptions, PluginInfo, PluginStatus } from "./host.ts";
export { realTimers } from "./timers.ts";
export type { Timers } from "./timers.ts";
export type { StandardSchemaV1 } from "./schema.ts";
export { HOST_VERSION } from "./version.ts";
/** zod 4, re-exported so a plugin's config schema can use the host's copy. */
export { z } from "zod";
export { stopOnSignals } from "./signals.ts";
