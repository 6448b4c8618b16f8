// How much the fitted runout shape changes from one revolution to the next: a tight hub adapter
// gives the same shape every revolution (apart from the probe's noise), a loose one lets the disc's
// axis wander, which shows as a change of the 1st-order phasor between consecutive revolutions.
//
// Usage: after each RunoutFit.finish(), update(fit, startUs, periodUs) with that revolution's bounds;
// read `result` (slots WanderResult, µm; NaN when this or the previous revolution did not fit, or
// they are not contiguous, i.e. this one does not start where the last one ended). Allocation-free.

import type { RunoutFit } from "./runout.ts";

export const WanderResult = {
  /** |Δ(a1, b1)|: length of the change of the 1st-order phasor, µm. */
  ORDER1: 0,
  /** RMS over angle of the change of the fitted shape without its mean, √(½ Σ_k Δa_k² + Δb_k²), µm. */
  SHAPE: 1,
} as const;

/** Two revolutions are contiguous when the second starts within this of the first one's end, µs. */
const CONTIGUOUS_US = 50;

export class RunoutWander {
  readonly result = new Float64Array(2).fill(Number.NaN);
  private readonly prev: Float64Array;
  /** [previous revolution's end µs (NaN: none), previous fit ok (1/0)] */
  private readonly state = new Float64Array([Number.NaN, 0]);

  /** orders: the RunoutFit's orders (its coefficients have 2 × orders + 1 entries). */
  constructor(readonly orders: number) {
    if (!Number.isInteger(orders) || orders < 1) throw new RangeError(`RunoutWander orders must be an integer ≥ 1, got ${orders}`);
    this.prev = new Float64Array(2 * orders + 1);
  }

  /** Forgets the previous revolution (the next update gives NaN). */
  reset(): void {
    this.state[0] = Number.NaN;
    this.state[1] = 0;
  }

  /** Compares fit (just finished for the revolution [startUs, startUs + periodUs)) with the last one. */
  update(fit: RunoutFit, startUs: number, periodUs: number): void {
    const c = fit.coefficients;
    const ok = fit.ok && fit.orders === this.orders;
    const contiguous = Math.abs(startUs - this.state[0]) <= CONTIGUOUS_US;
    if (ok && contiguous && this.state[1] === 1) {
      const da = c[1] - this.prev[1];
      const db = c[2] - this.prev[2];
      this.result[WanderResult.ORDER1] = Math.sqrt(da * da + db * db);
      let sum = 0;
      for (let i = 1; i < 2 * this.orders + 1; i++) {
        const d = c[i] - this.prev[i];
        sum += d * d;
      }
      this.result[WanderResult.SHAPE] = Math.sqrt(0.5 * sum);
    } else {
      this.result[WanderResult.ORDER1] = Number.NaN;
      this.result[WanderResult.SHAPE] = Number.NaN;
    }
    this.state[0] = startUs + periodUs;
    this.state[1] = ok ? 1 : 0;
    if (ok) this.prev.set(c);
  }
}
