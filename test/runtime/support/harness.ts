// Builds hosts from plugin definitions made inside a test: each is handed to the host through its
// `preloaded` import map under the specifier `test:<name>`, as an embedding program would.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type InstallationConfig } from "../../../src/runtime/config.ts";
import type { RuntimeEvent } from "../../../src/runtime/events.ts";
import { Host, type HostOptions } from "../../../src/runtime/host.ts";
import type { PluginDefinition } from "../../../src/runtime/plugin.ts";
import { realTimers, type Timers } from "../../../src/runtime/timers.ts";

export interface Installed {
  def: PluginDefinition;
  config?: unknown;
  enabled?: boolean;
}

export async function configOf(plugins: Array<PluginDefinition | Installed>, host: Record<string, unknown> = {}): Promise<{
  config: InstallationConfig;
  preloaded: Record<string, PluginDefinition>;
}> {
  const preloaded: Record<string, PluginDefinition> = {};
  const entries: Record<string, unknown> = {};
  for (const p of plugins) {
    const inst = "def" in p ? p : { def: p };
    const name = inst.def.meta.name;
    preloaded[`test:${name}`] = inst.def;
    entries[name] = { module: `test:${name}`, config: inst.config, enabled: inst.enabled ?? true };
  }
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-rt-"));
  const config = await parseConfig({ host, plugins: entries }, dir);
  return { config, preloaded };
}

export async function hostOf(
  plugins: Array<PluginDefinition | Installed>,
  host: Record<string, unknown> = {},
  opts: HostOptions = {},
): Promise<{ host: Host; events: RuntimeEvent[] }> {
  const { config, preloaded } = await configOf(plugins, host);
  const h = await Host.load(config, { ...opts, preloaded });
  const events: RuntimeEvent[] = [];
  h.events.on((e) => events.push(e));
  return { host: h, events };
}

/** Timers that delegate to the (possibly faked) globals and record every delay asked for. */
export function recordingTimers(): Timers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return realTimers.setTimeout(fn, ms);
    },
    clearTimeout: (h) => realTimers.clearTimeout(h),
  };
}
