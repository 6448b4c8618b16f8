// The installation's one config file (JSON, or YAML by extension .yaml/.yml): host settings and the
// plugins to load. Relative paths in it (log file, data dir, module paths, and plugin config paths by
// key name: config-paths.ts) are relative to the file.
//
//   host:                       # all optional
//     logFile: logs/edgeprop.log
//     logLevel: info
//     dataDir: data
//     startTimeoutMs: 5000      # per plugin, setup + start
//     stopTimeoutMs: 5000
//     restart: { baseMs: 200, factor: 2, maxMs: 10000, maxRestarts: 5, healthyMs: 30000 }
//     channels: { vib.samples: { capacity: 8192 } }   # ring sizes (the policy stays the writer's)
//   plugins:
//     vib-source:                    # must equal the plugin's meta.name
//       module: ../plugins/vib-source/index.ts   # path (./, ../, /) or npm package name
//       enabled: true                # default true
//       config: { port: auto }       # checked against the plugin's schema
import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { errorMessage, RuntimeError, RuntimeErrors } from "./errors.ts";
import { validateWith } from "./schema.ts";
import { resolveConfigPaths } from "./config-paths.ts";

export const restartSchema = z.strictObject({
  /** First restart delay, ms. */
  baseMs: z.number().int().min(0).default(200),
  /** Each further consecutive failure multiplies the delay. */
  factor: z.number().min(1).default(2),
  maxMs: z.number().int().min(0).default(10_000),
  /** Consecutive failures restarted before the plugin is disabled. */
  maxRestarts: z.number().int().min(0).default(5),
  /** Running this long without failing resets the consecutive-failure count. */
  healthyMs: z.number().int().min(0).default(30_000),
});

export const hostSchema = z.strictObject({
  logFile: z.string().min(1).optional(),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  dataDir: z.string().min(1).default("data"),
  startTimeoutMs: z.number().int().positive().default(5000),
  stopTimeoutMs: z.number().int().positive().default(5000),
  restart: restartSchema.default(restartSchema.parse({})),
  /** Per-installation ring sizes, overriding the writer's descriptor: `{ "vib.samples": { capacity: 8192 } }`. */
  channels: z.record(z.string(), z.strictObject({ capacity: z.number().int().min(1) })).default({}),
});

export const pluginEntrySchema = z.strictObject({
  module: z.string().min(1),
  enabled: z.boolean().default(true),
  config: z.unknown().optional(),
});

export const installationSchema = z.strictObject({
  host: hostSchema.default(hostSchema.parse({})),
  plugins: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "a lower-case plugin name of [a-z0-9._-]"), pluginEntrySchema),
});

export type HostSettings = z.output<typeof hostSchema>;
export type RestartSettings = z.output<typeof restartSchema>;
export type PluginEntry = z.output<typeof pluginEntrySchema>;

export interface InstallationConfig {
  host: HostSettings;
  plugins: Record<string, PluginEntry>;
  /** Folder relative paths are resolved against (the config file's folder). */
  baseDir: string;
  /** The file it came from, when it came from one. */
  file: string | null;
}

/** Validates a parsed config object; throws RuntimeErrors (EP_ERR_CONFIG_INVALID), one per issue. */
export async function parseConfig(raw: unknown, baseDir: string, file: string | null = null): Promise<InstallationConfig> {
  const result = await validateWith(installationSchema, raw, "EP_ERR_CONFIG_INVALID", "");
  if (!result.ok) throw new RuntimeErrors(result.errors);
  const host = { ...result.value.host };
  if (host.logFile) host.logFile = resolve(baseDir, host.logFile);
  host.dataDir = resolve(baseDir, host.dataDir);
  const config = { host, plugins: result.value.plugins, baseDir, file };
  resolveConfigPaths(config);
  return config;
}

export async function loadConfigFile(file: string): Promise<InstallationConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new RuntimeError("EP_ERR_CONFIG_READ", `cannot read config file ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    raw = ext === ".yaml" || ext === ".yml" ? parseYaml(text, { prettyErrors: true }) : JSON.parse(text);
  } catch (err) {
    const kind = ext === ".yaml" || ext === ".yml" ? "YAML" : "JSON";
    throw new RuntimeError("EP_ERR_CONFIG_READ", `config file ${file} is not valid ${kind}: ${errorMessage(err)}`, {
      expected: kind,
      cause: err,
    });
  }
  return parseConfig(raw, dirname(path), path);
}

/** True for a module given as a path (`./x`, `../x`, `/x`) rather than a package name. */
export function isPathSpecifier(spec: string): boolean {
  return spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec);
}
