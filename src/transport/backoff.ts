// Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with optional jitter so that
// two boards unplugged together do not retry in lockstep. Pure; the caller owns the timer.

export interface BackoffOptions {
  /** First retry delay, ms. Default 100. */
  initialMs?: number;
  /** Largest delay, ms. Default 2000 (a returning board is found within ~2 s). */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay added at random, 0..1. Default 0 (deterministic). */
  jitter?: number;
  /** Random source in [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 2000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0;
    this.random = options.random ?? Math.random;
    if (!(this.initialMs > 0)) throw new TypeError(`backoff initialMs must be > 0, got ${this.initialMs}`);
    if (!(this.maxMs >= this.initialMs)) {
      throw new TypeError(`backoff maxMs (${this.maxMs}) must be >= initialMs (${this.initialMs})`);
    }
    if (!(this.factor >= 1)) throw new TypeError(`backoff factor must be >= 1, got ${this.factor}`);
    if (!(this.jitter >= 0 && this.jitter <= 1)) throw new TypeError(`backoff jitter must be in 0..1, got ${this.jitter}`);
  }

  /** Delay before the next attempt; each call counts one failed attempt. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return Math.min(this.maxMs, base * (1 + this.jitter * this.random()));
  }

  /** Number of delays handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
