// What a cut does: cutting-force gains, chatter level, and the face a cut leaves behind.
//
//   wear w = min(tipCuts, 14); compliance c = (0.02 + 0.06 / stiffness) · (1 + 0.04 · w)
//   residual runout  = c · runout (lagging 0.15 rad) + tip-wear waviness + hard-spot bumps
//                      − the adapter wobble at the time of the cut (machined in)
//   residual thickness = c · thickness + waviness
//   chatter (g rms in the cut) = 0.01 + 0.075 · max(0, w − 5)^1.3 / stiffness
//   Ra (µm) = (0.55 + 0.05 · w^1.2) · lognormal(0, 0.08) + 0.9 · min(1, chatter / 0.6)
//             + 0.2 · rust + 0.15 · [loose adapter] + 0.1 · max hard-spot severity
// A face probe sees runout only; thickness (DTV) reaches the accelerometer as cutting force.

import type { Rng } from "../random.ts";
import type { JobCauses } from "./causes.ts";
import { Harmonics } from "./harmonics.ts";

export interface Surface {
  /** Face runout at the probe radius, µm (relative to the hub axis). */
  runout: Harmonics;
  /** Thickness deviation, µm. */
  thickness: Harmonics;
  /** Local bumps left by hard spots: angle (rad), height µm, width (rad, Gaussian sigma). */
  bumps: { angle: number; heightUm: number; width: number }[];
}

/** Tip wear in cuts, saturating: a tip past ~14 cuts is as bad as it gets. */
export function tipWear(c: JobCauses): number {
  return Math.min(c.tipCuts, 14);
}

export function compliance(c: JobCauses): number {
  return (0.02 + 0.06 / c.mountStiffness) * (1 + 0.04 * tipWear(c));
}

/** Rms acceleration (g) of chatter while cutting. Grows once the tip corners are worn. */
export function chatterG(c: JobCauses): number {
  return 0.01 + (0.075 * Math.pow(Math.max(0, tipWear(c) - 5), 1.3)) / c.mountStiffness;
}

/** g of tangential acceleration per µm of depth-of-cut variation (mount dependent). */
export function forceGain(c: JobCauses): number {
  return 0.0012 / Math.sqrt(c.mountStiffness);
}

export function incomingSurface(c: JobCauses): Surface {
  return { runout: c.runout, thickness: c.thickness, bumps: [] };
}

/**
 * The face after one more cut of `before`. wobbleC/wobbleS: the adapter's mean 1st-order wobble
 * (µm) while the tool passed; the cut trues the face to the wobbling axis, so it stays in the face.
 */
export function cutSurface(rng: Rng, c: JobCauses, before: Surface, wobbleC: number, wobbleS: number): Surface {
  const k = compliance(c);
  const wear = 0.5 * (1 + tipWear(c) / 6);
  const waviness = new Harmonics(4);
  for (let order = 1; order <= 4; order++) waviness.set(order, (wear * rng.uniform(0.3, 1)) / order, rng.angle());
  const runout = before.runout.scaled(k).rotated(0.15).plus(waviness);
  runout.c[1] -= wobbleC;
  runout.s[1] -= wobbleS;
  const thickWave = new Harmonics(4);
  for (let order = 1; order <= 4; order++) thickWave.set(order, (0.3 * wear * rng.uniform(0.2, 1)) / order, rng.angle());
  const thickness = before.thickness.scaled(k).plus(thickWave);
  const bumps = c.hardSpots.map((h) => ({ angle: h.angle, heightUm: 2 * h.severity * k * 10, width: 0.45 }));
  return { runout, thickness, bumps };
}

export function surfaceRunoutAt(s: Surface, theta: number): number {
  let v = s.runout.at(theta);
  for (let i = 0; i < s.bumps.length; i++) {
    const b = s.bumps[i];
    let d = theta - b.angle;
    d -= 2 * Math.PI * Math.round(d / (2 * Math.PI));
    v += b.heightUm * Math.exp((-0.5 * d * d) / (b.width * b.width));
  }
  return v;
}

export function surfaceRa(rng: Rng, c: JobCauses): number {
  const base = (0.55 + 0.05 * Math.pow(tipWear(c), 1.2)) * rng.logNormal(0, 0.08);
  const hard = c.hardSpots.reduce((m, h) => Math.max(m, h.severity), 0);
  const ra = base + 0.9 * Math.min(1, chatterG(c) / 0.6) + 0.2 * c.rust + (c.looseWanderUm > 0 ? 0.15 : 0) + 0.1 * hard;
  return Math.round(ra * 1000) / 1000;
}

/**
 * The loose adapter's 1st-order wobble per revolution: an AR(1) walk (ρ = 0.8) of a 2-D vector
 * with stationary rms `wanderUm` per component. Zero everywhere for a tight adapter.
 */
export class AdapterWobble {
  private c: number[] = [0];
  private s: number[] = [0];

  constructor(private readonly rng: Rng, private readonly wanderUm: number) {
    if (wanderUm > 0) {
      this.c[0] = wanderUm * rng.normal();
      this.s[0] = wanderUm * rng.normal();
    }
  }

  private extend(n: number): void {
    const innov = this.wanderUm * Math.sqrt(1 - 0.8 * 0.8);
    while (this.c.length <= n) {
      const i = this.c.length - 1;
      this.c.push(this.wanderUm > 0 ? 0.8 * this.c[i] + innov * this.rng.normal() : 0);
      this.s.push(this.wanderUm > 0 ? 0.8 * this.s[i] + innov * this.rng.normal() : 0);
    }
  }

  /** Wobble vector at revolution count r (≥ 0, fractional: linear between revolutions). */
  at(r: number, out: { c: number; s: number }): void {
    if (this.wanderUm === 0 || r <= 0) {
      out.c = this.c[0];
      out.s = this.s[0];
      return;
    }
    const i = Math.floor(r);
    this.extend(i + 1);
    const f = r - i;
    out.c = this.c[i] + f * (this.c[i + 1] - this.c[i]);
    out.s = this.s[i] + f * (this.s[i + 1] - this.s[i]);
  }
}
