// One job while it runs: its causes and plan, and every φ-based fact of it (φ = spindle angle in
// revolutions, continuous over the whole simulation; integer φ = the hub's index mark). Once the
// measure starts, all phase changes, the compensation mark and the cut passes are fixed in φ, so the
// face the probe sees is a pure function of φ (shapeAt), which is what per-revolution truth uses.

import { LatheState } from "../src/protocol/index.ts";
import { drawCauses, type JobCauses, type Population } from "./physics/causes.ts";
import { AdapterWobble, cutSurface, incomingSurface, surfaceRa, surfaceRunoutAt, type Surface } from "./physics/cut-model.ts";
import { planJob, type JobPlan, type JobPlanOptions } from "./job-plan.ts";
import { mixSeed, Rng } from "./random.ts";

/** The probe sits 10 mm inside the outer edge; the tool starts at the edge (0 mm). */
export const PROBE_RADIUS_MM = 10;

export interface CutPass {
  phiStart: number;
  phiEnd: number;
  /** φ at which the tool crosses the probe radius (Infinity if the cut stops before). */
  phiPastProbe: number;
  /** Revolutions a complete pass takes (an aborted pass moves as fast, it just stops early). */
  fullRevs: number;
}

export class Job {
  readonly causes: JobCauses;
  readonly plan: JobPlan;
  readonly raUm: number;
  readonly wobble: AdapterWobble;
  /** Incoming surface, then one per cut pass that reached the probe radius. */
  surfaces: Surface[];
  /** φ at which the measure started (NaN until then); the phase boundaries in φ. */
  phiMeasure = NaN;
  boundaries: number[] = [];
  phiComp = Infinity;
  phiFlag = Infinity;
  cuts: CutPass[] = [];
  /** φ when the job's spindle started (wobble revolutions count from here). */
  phiSpinStart = 0;
  /** Simulation time (µs) of the LATHE change that started / ended the job. */
  startSimUs = NaN;
  endSimUs = NaN;
  private readonly wob = { c: 0, s: 0 };
  private readonly surfaceRng: Rng;

  constructor(
    readonly ordinal: number,
    seed: number,
    population: Population,
    tipCuts: number,
    planOptions: JobPlanOptions,
  ) {
    const rng = new Rng(mixSeed(seed, ordinal, 1));
    this.causes = drawCauses(rng, population, tipCuts);
    this.plan = planJob(new Rng(mixSeed(seed, ordinal, 2)), this.causes.rpmSetPoint, planOptions);
    this.raUm = surfaceRa(new Rng(mixSeed(seed, ordinal, 3)), this.causes);
    this.wobble = new AdapterWobble(new Rng(mixSeed(seed, ordinal, 4)), this.causes.looseWanderUm);
    this.surfaces = [incomingSurface(this.causes)];
    this.surfaceRng = new Rng(mixSeed(seed, ordinal, 5));
  }

  /** Fixes every φ-based event of the job once the measure starts at φ. */
  startMeasure(phi: number): void {
    this.phiMeasure = phi;
    let b = phi;
    this.boundaries = [];
    for (const p of this.plan.phases) {
      if (p.state === LatheState.CUT) {
        const fullRevs = this.plan.aborted === "cut" ? p.revs / 0.5 : p.revs;
        const pass: CutPass = { phiStart: b, phiEnd: b + p.revs, phiPastProbe: Infinity, fullRevs };
        const fracAtProbe = PROBE_RADIUS_MM / this.causes.bandWidthMm;
        if (fracAtProbe * fullRevs <= p.revs) pass.phiPastProbe = b + fracAtProbe * fullRevs;
        this.cuts.push(pass);
        if (pass.phiPastProbe !== Infinity) {
          const mean = this.meanWobble(pass.phiStart, pass.phiEnd);
          const prev = this.surfaces[this.surfaces.length - 1];
          this.surfaces.push(cutSurface(this.surfaceRng, this.causes, prev, mean.c, mean.s));
        }
      }
      b += p.revs;
      this.boundaries.push(b);
    }
    this.phiComp = Math.ceil(phi) + this.plan.compensationMark - 1;
    if (this.phiComp <= phi) this.phiComp += 1;
    this.phiFlag = this.phiComp + this.plan.compensationFlagLagRevs;
  }

  private meanWobble(a: number, b: number): { c: number; s: number } {
    let c = 0;
    let s = 0;
    const n = 32;
    for (let i = 0; i < n; i++) {
      this.wobble.at(a + ((b - a) * (i + 0.5)) / n - this.phiSpinStart, this.wob);
      c += this.wob.c;
      s += this.wob.s;
    }
    return { c: c / n, s: s / n };
  }

  /** Lathe state at φ (after the measure started): the plan's phase, or idle once it is over. */
  stateAt(phi: number): number {
    if (!(phi >= this.phiMeasure)) return LatheState.IDLE;
    for (let i = 0; i < this.boundaries.length; i++) if (phi < this.boundaries[i]) return this.plan.phases[i].state;
    return LatheState.IDLE;
  }

  /** Index of the cut pass in progress at φ, or −1. */
  cutAt(phi: number): number {
    for (let i = 0; i < this.cuts.length; i++) if (phi >= this.cuts[i].phiStart && phi < this.cuts[i].phiEnd) return i;
    return -1;
  }

  /** Tool radial position, mm from the outer edge. */
  toolMmAt(phi: number): number {
    let mm = 0;
    for (const c of this.cuts) {
      if (phi < c.phiStart) break;
      mm = (this.causes.bandWidthMm * (Math.min(phi, c.phiEnd) - c.phiStart)) / c.fullRevs;
    }
    return mm;
  }

  /** How many surfaces the probe's track has been cut to at φ (index into surfaces). */
  surfaceIndexAt(phi: number): number {
    let n = 0;
    for (let i = 0; i < this.cuts.length; i++) if (phi >= this.cuts[i].phiPastProbe) n++;
    return n;
  }

  /** Noise-free probe reading (µm) at φ: offset, face, misalignment before compensation, wobble. */
  shapeAt(phi: number): number {
    const theta = 2 * Math.PI * (phi - Math.floor(phi));
    const idx = this.surfaceIndexAt(phi);
    let v = this.causes.probeOffsetUm - idx * this.causes.cutDepthUm + surfaceRunoutAt(this.surfaces[idx], theta);
    if (phi < this.phiComp) v += this.causes.misalignmentUm * Math.cos(theta - this.causes.misalignmentPhase);
    this.wobble.at(phi - this.phiSpinStart, this.wob);
    return v + this.wob.c * Math.cos(theta) + this.wob.s * Math.sin(theta);
  }

  /** The adapter's 1st-order wobble vector (µm) at φ, written into out. */
  wobbleAt(phi: number, out: { c: number; s: number }): void {
    this.wobble.at(phi - this.phiSpinStart, out);
  }

  /** Peak-to-peak of shapeAt over [phiA, phiB), on `points` angles: one revolution's true runout. */
  shapePeakToPeak(phiA: number, phiB: number, points = 256): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < points; i++) {
      const v = this.shapeAt(phiA + ((phiB - phiA) * i) / points);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi - lo;
  }

  /** The surface the tool is cutting in cut pass i (the one before it). */
  surfaceBeingCut(i: number): Surface {
    return this.surfaces[Math.min(i, this.surfaces.length - 1)];
  }
}
