// Restart policy of a failed plugin. After the n-th consecutive failure (n = 1, 2, …) the host waits
// baseMs · factor^(n−1), capped at maxMs, then runs setup+start again; after maxRestarts + 1
// consecutive failures it disables the plugin instead. A plugin that has run healthyMs without
// failing starts counting from zero again.
import type { RestartSettings } from "./config.ts";

export function restartDelay(policy: RestartSettings, consecutive: number): number {
  return Math.min(policy.maxMs, Math.round(policy.baseMs * policy.factor ** (consecutive - 1)));
}
