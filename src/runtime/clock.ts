// Board time: the timeline of the sensor boards, in microseconds. Plugins read it through
// `ctx.clock.nowUs()` and never read the wall clock for signal work, so a replay can run the same
// pipeline faster than real time. The host is handed the source; by default it is monotonic process
// time, and a plugin whose meta says `drivesClock: true` (the board source) moves a driven clock.

export interface BoardClock {
  /** Current board time in µs (a float64; not wrapped at 32 bits). */
  nowUs(): number;
}

/** Given only to the clock-driving plugin. */
export interface DrivenClock extends BoardClock {
  /** Moves board time to `us`; a value earlier than now is ignored (the timeline never goes back). */
  advanceTo(us: number): void;
}

export const monotonicClock: BoardClock = Object.freeze({
  nowUs: () => performance.now() * 1000,
});

export class ManualClock implements DrivenClock {
  private us: number;
  constructor(startUs = 0) {
    this.us = startUs;
  }
  nowUs(): number {
    return this.us;
  }
  advanceTo(us: number): void {
    if (us > this.us) this.us = us;
  }
}
