// Timers that do not keep a GC child process alive once its hot loop has run.
import type { Timers } from "../../../src/transport/timers.ts";

export const unrefTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
