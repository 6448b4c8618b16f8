// Fires when no byte has arrived for `silenceMs` of wall time. kick() only stores a timestamp, so
// the receive path sets no timer per chunk; the one timer re-arms itself for the time remaining.
import type { TimerHandle, Timers } from "./timers.ts";

export class SilenceWatchdog {
  private last = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly timers: Timers,
    /** Silence that counts as a lost board, ms (datasheet: 2000). */
    private readonly silenceMs: number,
    private readonly onSilent: (silentForMs: number) => void,
  ) {
    if (!(silenceMs > 0)) throw new TypeError(`silenceMs must be > 0, got ${silenceMs}`);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts (or restarts) watching from now. */
  start(): void {
    this.stop();
    this.last = this.timers.now();
    this.arm(this.silenceMs);
  }

  /** Something arrived. */
  kick(): void {
    this.last = this.timers.now();
  }

  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.timers.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = undefined;
    const quiet = this.timers.now() - this.last;
    if (quiet >= this.silenceMs) {
      this.onSilent(quiet);
      return;
    }
    this.arm(this.silenceMs - quiet);
  }
}
