// `edgeprop plugins [--config FILE]`: loads and checks the installation's plugins (nothing starts)
// and prints them as a dependency tree: each plugin under the plugins it depends on, with its
// version, status and module. A plugin with several dependencies is expanded under the first only.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { HOST_VERSION, Host, isRuntimeError, loadConfigFile, RuntimeErrors, type PluginInfo } from "../runtime/index.ts";
import type { Output } from "./config.ts";

/** Looked for in the current folder when --config is not given. */
export const DEFAULT_CONFIG_FILES = ["edgeprop.yaml", "edgeprop.yml", "edgeprop.json"];

export function renderTree(plugins: PluginInfo[]): string[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const depName = (d: string): string => (d.indexOf("@", 1) < 0 ? d : d.slice(0, d.indexOf("@", 1)));
  const children = new Map<string, PluginInfo[]>();
  for (const p of plugins) for (const d of p.dependencies) children.set(depName(d), [...(children.get(depName(d)) ?? []), p]);
  const shown = new Set<string>();
  const lines: string[] = [];
  const label = (p: PluginInfo): string => {
    const deps = p.dependencies.length ? `  deps: ${p.dependencies.join(", ")}` : "";
    return `${p.name} ${p.version}  [${p.status}]  ${p.module}${deps}`;
  };
  const walk = (p: PluginInfo, prefix: string, branch: string): void => {
    if (shown.has(p.name)) {
      lines.push(`${prefix}${branch}${p.name} (see above)`);
      return;
    }
    shown.add(p.name);
    lines.push(`${prefix}${branch}${label(p)}`);
    const kids = children.get(p.name) ?? [];
    const childPrefix = prefix + (branch === "" ? "" : branch === "└─ " ? "   " : "│  ");
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1 ? "└─ " : "├─ "));
  };
  for (const p of plugins) if (p.dependencies.every((d) => !byName.has(depName(d)))) walk(p, "", "");
  return lines;
}

export async function runPlugins(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string", short: "c" } }, strict: true });
  const file = values.config ?? DEFAULT_CONFIG_FILES.find((f) => existsSync(f));
  if (!file) {
    err.write(`edgeprop plugins: no --config given and none of ${DEFAULT_CONFIG_FILES.join(", ")} here\n`);
    return 2;
  }
  try {
    const config = await loadConfigFile(file);
    const host = await Host.load(config);
    out.write(`edgeprop host ${HOST_VERSION}, config ${config.file}\n`);
    for (const line of renderTree(host.plugins())) out.write(`${line}\n`);
    const off = Object.entries(config.plugins).filter(([, e]) => !e.enabled);
    for (const [name, e] of off) out.write(`${name}  [disabled in config]  ${e.module}\n`);
    return 0;
  } catch (e) {
    const errors = e instanceof RuntimeErrors ? e.errors : isRuntimeError(e) ? [e] : null;
    if (!errors) throw e;
    for (const x of errors) err.write(`${x.describe()}\n`);
    return 1;
  }
}
