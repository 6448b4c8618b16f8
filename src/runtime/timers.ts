// Wall-clock timers of the host (start/stop timeouts, restart backoff, plugins' ctx timers), passed
// in so tests drive them with fake timers. The default looks the globals up at call time, so
// vitest's `vi.useFakeTimers()` also takes effect on a host built with defaults.

export type TimerHandle = unknown;

export interface Timers {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = Object.freeze({
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** Settles with `promise`, or rejects with `onTimeout()` after `ms` (the timer is always cleared). */
export function withTimeout<T>(timers: Timers, promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timers.setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (v) => {
        timers.clearTimeout(handle);
        resolve(v);
      },
      (e: unknown) => {
        timers.clearTimeout(handle);
        reject(e);
      },
    );
  });
}
