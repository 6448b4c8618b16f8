// Shared by `run`, `run --sim` and `replay`: load an installation config shipped in config/ (or the
// user's), adjust plugin sections from the command line, and run the host until told to stop.
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

export async function loadInstallation(file: string, err: NodeJS.WritableStream): Promise<InstallationConfig | null> {
  try {
    return await loadConfigFile(file);
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
