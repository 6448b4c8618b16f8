// Paces a simulator against the wall clock: board time advances `speed` times as fast as real time
// (Infinity: as fast as it can, yielding to the event loop between batches so I/O keeps flowing).
// Each chunk goes to `deliver`; `onTick` runs after every batch (links use it for timed faults).

import type { SimChunk, Simulator } from "../simulator.ts";

export interface PacerOptions {
  /** Board seconds per wall second; default 1. */
  speed?: number;
  /** Wall ms between batches in paced mode; default 5. */
  tickMs?: number;
  /** At speed Infinity, generation waits while this returns false (the link's backpressure). */
  canSend?: () => boolean;
}

export class Pacer {
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private wallStart = 0;
  private simStart = 0;
  private stopped = false;
  private resolveDone!: () => void;
  /** Resolves when the simulation has ended or stop() was called. */
  readonly done: Promise<void>;
  readonly speed: number;
  private readonly tickMs: number;
  private readonly canSend: () => boolean;

  constructor(
    private readonly sim: Simulator,
    private readonly deliver: (chunk: SimChunk) => void,
    opts: PacerOptions = {},
    private readonly onTick: (simUs: number) => void = () => {},
  ) {
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`pacer: speed must be > 0, got ${opts.speed}`);
    this.tickMs = opts.tickMs ?? 5;
    this.canSend = opts.canSend ?? (() => true);
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  start(): void {
    this.wallStart = performance.now();
    this.simStart = this.sim.simUs;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
    this.resolveDone();
  }

  private tick = (): void => {
    if (this.stopped) return;
    const fast = !Number.isFinite(this.speed);
    if (fast && !this.canSend()) {
      this.timer = setTimeout(this.tick, 2);
      return;
    }
    const target = fast ? Infinity : this.simStart + (performance.now() - this.wallStart) * 1000 * this.speed;
    let blocks = 0;
    while (!this.sim.done && this.sim.simUs < target && (!fast || blocks < 50)) {
      for (const chunk of this.sim.step()) this.deliver(chunk);
      blocks++;
    }
    this.onTick(this.sim.simUs);
    if (this.sim.done) {
      this.stop();
      return;
    }
    this.timer = fast ? setImmediate(this.tick) : setTimeout(this.tick, this.tickMs);
  };
}
