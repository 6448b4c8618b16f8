// Spindle speed about its set point: a few slow sinusoids (belt, motor control) whose rms is the
// job's rpmJitter, and a 1 % drop under cutting load. Speed ramps up and down over RAMP_US.

import type { Rng } from "../random.ts";

export const RAMP_US = 500_000;

export class SpeedProfile {
  private readonly f = new Float64Array(3);
  private readonly a = new Float64Array(3);
  private readonly p = new Float64Array(3);

  /** rpm: set point; jitter: relative rms. */
  constructor(rng: Rng, readonly rpm: number, jitter: number) {
    for (let i = 0; i < 3; i++) {
      this.f[i] = rng.uniform(0.1, 1.5);
      this.a[i] = jitter * Math.SQRT2 * rng.uniform(0.4, 0.8);
      this.p[i] = rng.angle();
    }
  }

  /** Revolutions per second at sim time tUs, with `load` in 0..1 (1 = cutting). */
  revPerS(tUs: number, load: number): number {
    const ts = tUs / 1e6;
    let rel = 1 - 0.01 * load;
    for (let i = 0; i < 3; i++) rel += this.a[i] * Math.sin(2 * Math.PI * this.f[i] * ts + this.p[i]);
    return (this.rpm / 60) * rel;
  }
}
