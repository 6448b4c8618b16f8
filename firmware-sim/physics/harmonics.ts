// A periodic function of disc angle as a sum of rotation orders 1..K:
//   f(θ) = Σ_k c[k]·cos(kθ) + s[k]·sin(kθ)      (θ in radians, 0 at the hub's index mark)
// Used for face runout and thickness profiles (µm). Evaluation uses the angle-addition recurrence
// (one sin/cos per call whatever K is).

import type { Rng } from "../random.ts";

export class Harmonics {
  /** cos / sin coefficients; index 0 unused (no DC: offsets are kept apart). */
  readonly c: Float64Array;
  readonly s: Float64Array;

  constructor(readonly orders: number) {
    this.c = new Float64Array(orders + 1);
    this.s = new Float64Array(orders + 1);
  }

  /** Sets order k to amplitude·cos(kθ − phase). */
  set(k: number, amplitude: number, phase: number): this {
    this.c[k] = amplitude * Math.cos(phase);
    this.s[k] = amplitude * Math.sin(phase);
    return this;
  }

  amplitude(k: number): number {
    return Math.hypot(this.c[k], this.s[k]);
  }

  at(theta: number): number {
    const c1 = Math.cos(theta);
    const s1 = Math.sin(theta);
    let ck = c1;
    let sk = s1;
    let sum = 0;
    for (let k = 1; k <= this.orders; k++) {
      sum += this.c[k] * ck + this.s[k] * sk;
      const cn = ck * c1 - sk * s1;
      sk = sk * c1 + ck * s1;
      ck = cn;
    }
    return sum;
  }

  /** max − min over one turn, on a grid of `points` angles (fine enough for orders ≤ ~8). */
  peakToPeak(points = 720): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < points; i++) {
      const v = this.at((2 * Math.PI * i) / points);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi - lo;
  }

  scaled(factor: number): Harmonics {
    const out = new Harmonics(this.orders);
    for (let k = 1; k <= this.orders; k++) {
      out.c[k] = this.c[k] * factor;
      out.s[k] = this.s[k] * factor;
    }
    return out;
  }

  /** Rotates every order by a lag (the response of a compliant system trails the force). */
  rotated(lag: number): Harmonics {
    const out = new Harmonics(this.orders);
    for (let k = 1; k <= this.orders; k++) out.set(k, this.amplitude(k), Math.atan2(this.s[k], this.c[k]) + lag);
    return out;
  }

  plus(other: Harmonics): Harmonics {
    const out = new Harmonics(Math.max(this.orders, other.orders));
    for (let k = 1; k <= out.orders; k++) {
      out.c[k] = (this.c[k] ?? 0) + (other.c[k] ?? 0);
      out.s[k] = (this.s[k] ?? 0) + (other.s[k] ?? 0);
    }
    return out;
  }

  /** Plain object for truth files: amplitude and phase (rad) per order. */
  toJSON(): { order: number; amplitude: number; phase: number }[] {
    const rows = [];
    for (let k = 1; k <= this.orders; k++) {
      rows.push({ order: k, amplitude: round3(this.amplitude(k)), phase: round3(Math.atan2(this.s[k], this.c[k])) });
    }
    return rows;
  }
}

/**
 * A profile with the given peak-to-peak: order weights (relative amplitudes, index 1..K) times a
 * random ±40 % spread, random phases, then scaled so max − min is exactly `peakToPeak`.
 */
export function randomProfile(rng: Rng, peakToPeak: number, weights: readonly number[]): Harmonics {
  const h = new Harmonics(weights.length);
  for (let k = 1; k <= weights.length; k++) h.set(k, weights[k - 1] * rng.uniform(0.6, 1.4), rng.angle());
  const p2p = h.peakToPeak();
  return p2p > 0 ? h.scaled(peakToPeak / p2p) : h;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
