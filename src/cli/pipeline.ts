// Shared by `run`, `run --sim` and `replay`: load an installation config shipped in config/ (or the
// user's), adjust plugin sections from the command line, and run the host until told to stop.
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, Host, isRuntimeError, loadConfigFile, RuntimeErrors, type InstallationConfig } from "../runtime/index.ts";

/** A config file shipped with edgeprop (config/<name>). */
export function shippedConfig(name: string): string {
  return fileURLToPath(new URL(`../../config/${name}`, import.meta.url));
}

/** Merges `patch` into plugin `name`'s config section (the plugin must be in the config). */
export function patchPlugin(config: InstallationConfig, name: string, patch: Record<string, unknown>): void {
  const entry = config.plugins[name];
  if (!entry) throw new Error(`config ${config.file ?? ""} has no plugin '${name}'`);
  entry.config = { ...((entry.config as Record<string, unknown> | undefined) ?? {}), ...patch };
}

/**
 * Whether a plugin config key holds a file or folder path, by the naming convention every plugin
 * follows (docs/plugins.md "Paths in plugin configs"): `db`, `dir`, `file`, or a camelCase name
 * ending in `Db`, `Dir`, `File` or `Path` (`modelDir`, `statusFile`, …). The host never names a
 * plugin; a new plugin gets its paths resolved by naming its keys so.
 */
export function isPathKey(key: string): boolean {
  return key === "db" || key === "dir" || key === "file" || /[a-z0-9](Db|Dir|File|Path)$/.test(key);
}

/**
 * Relative paths in plugin configs (keys by isPathKey, at any depth of plain objects) are relative
 * to the config file's folder, like the host's own paths; the plugins themselves only see the
 * working folder. Empty strings (e.g. jsonl-log's `file: ""`, "no file") stay as they are. Paths
 * given later on the command line (patchPlugin) are not touched: they are the user's, relative to
 * the working folder.
 */
export function resolveConfigPaths(config: InstallationConfig): void {
  const walk = (c: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(c)) {
      if (typeof v === "string" && v !== "" && isPathKey(k) && !isAbsolute(v)) c[k] = resolve(config.baseDir, v);
      else if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>);
    }
  };
  for (const entry of Object.values(config.plugins)) if (entry.config && typeof entry.config === "object") walk(entry.config as Record<string, unknown>);
}

export async function loadInstallation(file: string, err: NodeJS.WritableStream): Promise<InstallationConfig | null> {
  try {
    const config = await loadConfigFile(file);
    resolveConfigPaths(config);
    return config;
  } catch (e) {
    reportErrors(e, err);
    return null;
  }
}

/** Prints runtime errors one per line (code, path, message); rethrows anything else. */
export function reportErrors(e: unknown, err: NodeJS.WritableStream): void {
  const errors = e instanceof RuntimeErrors ? e.errors : isRuntimeError(e) ? [e] : null;
  if (!errors) throw e;
  for (const x of errors) err.write(`${x.describe()}\n`);
}

/** `beforeStart` runs once the plugins are loaded, before any starts (e.g. to record host events). */
export async function startHost(config: InstallationConfig, err: NodeJS.WritableStream, beforeStart?: (host: Host) => void): Promise<{ host: Host; flush: () => void } | null> {
  // The log file gets everything at host.logLevel; the console only warnings and errors (plus info
  // and below when the config asks for debug or trace), so the progress display stays readable.
  const chatty = config.host.logLevel === "debug" || config.host.logLevel === "trace";
  const console = {
    write: (line: string) => {
      const level = line.split(" ", 2)[1];
      if (chatty || (level !== "INFO" && level !== "DEBUG" && level !== "TRACE")) err.write(line);
    },
  };
  const { logger, flush } = createLogger({ file: config.host.logFile, level: config.host.logLevel, console });
  try {
    const host = await Host.load(config, { logger });
    beforeStart?.(host);
    await host.start();
    return { host, flush };
  } catch (e) {
    reportErrors(e, err);
    flush();
    return null;
  }
}
