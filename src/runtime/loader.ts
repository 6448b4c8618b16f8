// Imports the plugin modules a config names, and only those: a path (relative to the config file's
// folder; a folder is a package whose package.json says where its entry is) or an npm package name
// resolved from that folder, as Node would from a script there. Nothing is found by scanning.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isPathSpecifier, type PluginEntry } from "./config.ts";
import type { LoadedPlugin } from "./checks.ts";
import type { InstallationConfig } from "./config.ts";
import { errorMessage, isRuntimeError, RuntimeError, RuntimeErrors } from "./errors.ts";
import { isPluginDefinition, type PluginDefinition } from "./plugin.ts";

/** Absolute file the specifier names, resolved as Node's resolver would from `baseDir`. */
export function resolveModule(spec: string, baseDir: string): string {
  const require = createRequire(join(baseDir, "noop.js"));
  if (isPathSpecifier(spec)) {
    const abs = resolve(baseDir, spec);
    if (!existsSync(abs)) throw new Error(`no such file or folder: ${abs}`);
    // A folder: let Node's own package lookup ("exports"/"main", index.js) pick the entry.
    return statSync(abs).isDirectory() ? require.resolve(abs) : abs;
  }
  try {
    return require.resolve(spec);
  } catch (err) {
    // ESM-only packages ("exports" with only an "import" condition): find the package folder.
    if ((err as { code?: string }).code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw err;
    const pkgDir = require.resolve.paths(spec)?.map((p) => join(p, spec)).find((p) => existsSync(join(p, "package.json")));
    if (!pkgDir) throw err;
    return require.resolve(pkgDir);
  }
}

/** Modules already imported by the embedding program, keyed by the specifier a config uses. */
export type PreloadedModules = Readonly<Record<string, unknown>>;

async function importModule(name: string, spec: string, baseDir: string): Promise<Record<string, unknown>> {
  try {
    const file = resolveModule(spec, baseDir);
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new RuntimeError("EP_ERR_PLUGIN_LOAD", `plugin '${name}': cannot load module '${spec}': ${errorMessage(err)}`, {
      plugin: name,
      path: `plugins.${name}.module`,
      expected: "a path (./, ../, /) or an installed npm package name",
      received: spec,
      cause: err,
    });
  }
}

export async function loadPlugin(name: string, entry: PluginEntry, baseDir: string, preloaded: PreloadedModules = {}): Promise<PluginDefinition> {
  const path = `plugins.${name}.module`;
  const mod = Object.hasOwn(preloaded, entry.module)
    ? { default: preloaded[entry.module] }
    : await importModule(name, entry.module, baseDir);
  const def = mod.default ?? mod.plugin;
  if (!isPluginDefinition(def)) {
    throw new RuntimeError("EP_ERR_PLUGIN_NOT_A_PLUGIN", `plugin '${name}': module '${entry.module}' has no definePlugin() export`, {
      plugin: name,
      path,
      expected: "`export default definePlugin(meta, setup)`",
      received: `exports: ${Object.keys(mod).join(", ") || "(none)"}`,
    });
  }
  if (def.meta.name !== name) {
    throw new RuntimeError("EP_ERR_PLUGIN_NAME_MISMATCH", `config entry '${name}' loads a plugin named '${def.meta.name}'`, {
      plugin: name,
      path: `plugins.${name}`,
      expected: `the key to equal the plugin's meta.name '${def.meta.name}'`,
      received: name,
    });
  }
  return def;
}

/** Loads and checks every enabled plugin of `config`; throws RuntimeErrors listing all problems. */
export async function loadPlugins(config: InstallationConfig, preloaded: PreloadedModules = {}): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const errors: RuntimeError[] = [];
  for (const [name, entry] of Object.entries(config.plugins)) {
    if (!entry.enabled) continue;
    try {
      loaded.push({ name, def: await loadPlugin(name, entry, config.baseDir, preloaded), entry });
    } catch (err) {
      if (isRuntimeError(err)) errors.push(err);
      else throw err;
    }
  }
  if (errors.length > 0) throw new RuntimeErrors(errors);
  return loaded;
}
