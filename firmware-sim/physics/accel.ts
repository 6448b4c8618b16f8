// The accelerometer's view (g, axes x radial, y tangential, z axial), generated at 3200 Hz:
//   gravity (mount angle per car)
//   + spindle: once-per-rev imbalance ∝ (ω/ω₀)², gear mesh at order 29, motor noise
//   + cut: cutting force from depth of cut. Twin tips: outboard depth ∝ runout r(θ), inboard depth
//     ∝ t(θ) − r(θ). Tangential (y) ∝ their sum = t(θ) (thickness: DTV), axial (z) ∝ difference
//     2r − t, radial (x) 0.35·y; gain forceGain (mount dependent). Broadband cutting noise.
//   + chatter: a resonator (AR(2), ζ 0.02) at the mount's chatterHz driven at chatterG rms while
//     cutting, its drive modulated by the depth of cut
//   + hard spots: an impulse into the structural mode (ζ 0.05) each time the tool passes a spot
//   + rust: broadband noise while the tool is in the first few mm (the rust lip at the edge)
//   + loose adapter: random rattle impulses into the structural mode and a ~17 Hz wobble
//   + sensor noise 0.012 g rms per axis.
// The board quantizes (3.9 mg LSB) and saturates (±16 g).

import { LatheState } from "../../src/protocol/index.ts";
import type { Job } from "../job.ts";
import type { Rng } from "../random.ts";
import type { SampleContext } from "../world.ts";
import { chatterG, forceGain, surfaceRunoutAt } from "./cut-model.ts";

export const VIB_INTERNAL_HZ = 3200;
export const VIB_NOISE_G = 0.012;
const RUST_BAND_MM = 4;

/** Second-order resonator x[n] = a1·x[n−1] + a2·x[n−2] + e[n]. */
class Resonator {
  a1 = 0;
  a2 = 0;
  /** Drive rms giving a unit rms output. */
  unitDrive = 0;
  x1 = 0;
  x2 = 0;

  tune(hz: number, zeta: number, fs: number): void {
    const w = (2 * Math.PI * hz) / fs;
    const r = Math.exp(-zeta * w);
    this.a1 = 2 * r * Math.cos(w);
    this.a2 = -r * r;
    const a1 = this.a1;
    const a2 = this.a2;
    const gain = (1 - a2) / ((1 + a2) * ((1 - a2) * (1 - a2) - a1 * a1));
    this.unitDrive = 1 / Math.sqrt(gain);
  }

  step(e: number): number {
    const x = this.a1 * this.x1 + this.a2 * this.x2 + e;
    this.x2 = this.x1;
    this.x1 = x;
    return x;
  }
}

export class AccelModel {
  private readonly chatter = new Resonator();
  private readonly structure = new Resonator();
  private tunedFor: Job | null = null;
  /** Per-job constants (set when the job changes). */
  private chatterRms = 0;
  private gain = 0;
  private loose = 0;
  private prevPhi = 0;
  private readonly wob = { c: 0, s: 0 };

  constructor(private readonly rng: Rng) {}

  /** Acceleration (g) at the context's instant; call once per 1/3200 s, in time order. */
  sample(ctx: SampleContext, tS: number, out: Float64Array): void {
    const rng = this.rng;
    const job = ctx.job;
    let ax = 0;
    let ay = 0;
    let az = 0;
    let sigma = VIB_NOISE_G;
    let chatterDrive = 0;
    let impulse = 0;
    if (job) {
      const c = job.causes;
      if (this.tunedFor !== job) {
        this.chatter.tune(c.chatterHz, 0.02, VIB_INTERNAL_HZ);
        this.structure.tune(c.structureHz, 0.05, VIB_INTERNAL_HZ);
        this.chatterRms = chatterG(c);
        this.gain = forceGain(c);
        this.loose = Math.min(2, c.looseWanderUm / 5);
        this.tunedFor = job;
      }
      ax = c.gravity[0];
      ay = c.gravity[1];
      az = c.gravity[2];
      const omega0 = c.rpmSetPoint / 60;
      if (ctx.omega > 0.01) {
        const rel = ctx.omega / omega0;
        const theta = 2 * Math.PI * (ctx.phi - Math.floor(ctx.phi));
        const imb = 0.004 * rel * rel;
        ax += imb * Math.cos(theta + c.misalignmentPhase);
        ay += imb * Math.sin(theta + c.misalignmentPhase);
        const mesh = 0.003 * rel * Math.sin(2 * Math.PI * 29 * ctx.phi);
        ay += mesh;
        az += 0.5 * mesh;
        sigma = hyp(sigma, 0.006 * rel);
        if (this.loose > 0) {
          const loose = this.loose;
          ax += 0.02 * loose * Math.sin(2 * Math.PI * 17 * tS);
          if (rng.next() < (6 * loose) / VIB_INTERNAL_HZ) impulse += 0.4 * loose * rng.normal();
        }
        if (ctx.state === LatheState.CUT && ctx.cut >= 0) {
          const surf = job.surfaceBeingCut(ctx.cut);
          job.wobbleAt(ctx.phi, this.wob);
          const r = surfaceRunoutAt(surf, theta) + this.wob.c * Math.cos(theta) + this.wob.s * Math.sin(theta);
          const t = surf.thickness.at(theta);
          const g = this.gain;
          ay += g * t;
          ax += 0.35 * g * t;
          az += 0.5 * g * (2 * r - t);
          sigma = hyp(sigma, 0.02);
          chatterDrive = this.chatterRms * (1 + 0.01 * Math.abs(t + r));
          if (c.rust > 0 && ctx.toolMm < RUST_BAND_MM) sigma = hyp(sigma, c.rust * 0.15 * (1 - ctx.toolMm / RUST_BAND_MM));
          for (let i = 0; i < c.hardSpots.length; i++) {
            const h = c.hardSpots[i];
            const a = h.angle / (2 * Math.PI);
            if (Math.floor(ctx.phi - a) > Math.floor(this.prevPhi - a)) impulse += 6 * h.severity;
          }
        }
      }
    }
    this.prevPhi = ctx.phi;
    const ch = this.chatter.step(chatterDrive * this.chatter.unitDrive * rng.normal());
    const st = this.structure.step(impulse);
    out[0] = ax + 0.35 * ch + 0.5 * st + sigma * rng.normal();
    out[1] = ay + 0.6 * ch + 0.3 * st + sigma * rng.normal();
    out[2] = az + ch + st + sigma * rng.normal();
  }
}

/** sqrt(a² + b²) without Math.hypot's variadic overhead (hot path). */
function hyp(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}
