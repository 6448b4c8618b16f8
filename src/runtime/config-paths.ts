// Paths in plugin configs: relative to the config file's folder, like the host's own paths, found by
// a key naming convention (the host never names a plugin). Applied by parseConfig.
import { isAbsolute, resolve } from "node:path";
import type { InstallationConfig } from "./config.ts";

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
 * given later on the command line (src/cli patchPlugin) are not touched: they are the user's, relative to
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
