// Wall-clock time and timers, passed in so that tests can drive silence watchdogs, identify
// timeouts and reconnect backoff without waiting on real time. Only the live transport uses wall
// time (the datasheet's 2 s silence rule); everything about the signal uses board time.

export type TimerHandle = unknown;

export interface Timers {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
