// Restart policy of a failed plugin. After the n-th consecutive failure (n = 1, 2, …) the host waits
// baseMs · factor^(n−1), capped at maxMs, then runs setup+start again; after maxRestarts + 1
// consecutive failures it disables the plugin instead. A plugin that has run healthyMs since its
// last (re)start without failing starts counting from zero again.
import type { RestartSettings } from "./config.ts";

export interface FailureState {
  /** Consecutive failures so far; updated by decideAfterFailure. */
  consecutive: number;
  /** When the plugin was last (re)started, on the host timers' clock (ms). */
  lastStartAt: number;
}

export type FailureDecision = { action: "restart"; delayMs: number } | { action: "disable" };

export function restartDelay(policy: RestartSettings, consecutive: number): number {
  return Math.min(policy.maxMs, Math.round(policy.baseMs * policy.factor ** (consecutive - 1)));
}

/** Counts one more failure at `now` and says what to do about it. */
export function decideAfterFailure(state: FailureState, now: number, policy: RestartSettings): FailureDecision {
  if (now - state.lastStartAt >= policy.healthyMs) state.consecutive = 0;
  state.consecutive++;
  if (state.consecutive > policy.maxRestarts) return { action: "disable" };
  return { action: "restart", delayMs: restartDelay(policy, state.consecutive) };
}
