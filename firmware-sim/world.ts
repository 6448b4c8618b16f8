// The physical world, stepped in 500 µs steps (φ linear within a step) and handed to the boards one block at a time: the
// spindle angle φ (revolutions; integer φ = index mark), the lathe's state machine, the jobs one
// after another. Per block it lists what happened (index marks, LATHE changes, finished jobs and
// revolutions with their truth); the boards then sample it at their own sample times.

import { LatheState } from "../src/protocol/index.ts";
import { Job } from "./job.ts";
import { mixSeed, Rng } from "./random.ts";
import { RAMP_US, SpeedProfile } from "./physics/spindle.ts";
import { jobTruth, type JobTruth, type RevolutionTruth } from "./truth.ts";

export const STEP_US = 500;
/** Spindle keeps turning this long after the job ends, before it spins down. */
const RUN_ON_US = 200_000;
/** After the last job the world runs this much longer with the spindle stopped. */
const FINAL_TAIL_US = 500_000;

export interface LatheChange {
  simUs: number;
  state: number;
  flags: number;
  toolX100: number;
  rpm: number;
}

/** Supplies jobs in order (ordinal 1, 2, …); null when the run is over. */
export type JobSource = (ordinal: number) => Job | null;

type Mode = "stopped" | "up" | "on" | "down";

/** Everything a board needs about the world at one instant. Filled in place by World.sample(). */
export interface SampleContext {
  phi: number;
  /** rev/s */
  omega: number;
  state: number;
  job: Job | null;
  /** Index of the cut pass in progress, or −1. */
  cut: number;
  toolMm: number;
}

export class World {
  readonly steps: number;
  /** Block start, sim µs (sim time 0 = power-up). */
  t0 = 0;
  readonly phi: Float64Array;
  readonly omega: Float64Array;
  readonly jobs: (Job | null)[];
  /** Spindle set point the lathe reports at each step (0 while the spindle is off). */
  readonly rpmSet: Float64Array;
  /** Outputs of the last block (cleared by advance()). */
  readonly marks: { simUs: number; job: Job | null }[] = [];
  readonly latheChanges: LatheChange[] = [];
  readonly finishedJobs: JobTruth[] = [];
  readonly revolutions: RevolutionTruth[] = [];
  done = false;

  private t = 0;
  private phiNow = 0;
  private omegaNow = 0;
  private mode: Mode = "stopped";
  private modeT = 0;
  private omegaAtDown = 0;
  private job: Job | null;
  private ordinal = 1;
  private speed: SpeedProfile | null = null;
  private tSpinUp = 0;
  private tMeasure = 0;
  private tRunOnEnd = Infinity;
  private tFinish = Infinity;
  private state: number = LatheState.IDLE;
  private flag = 0;
  private rpmOn = false;
  private lastMark: { phi: number; simUs: number; job: Job | null; state: number; changed: boolean } | null = null;
  private jobRevs: RevolutionTruth[] = [];

  constructor(
    readonly blockUs: number,
    private readonly seed: number,
    private readonly source: JobSource,
  ) {
    if (blockUs % STEP_US !== 0) throw new RangeError(`world: block ${blockUs} µs is not a multiple of ${STEP_US} µs`);
    this.steps = blockUs / STEP_US;
    this.phi = new Float64Array(this.steps + 1);
    this.omega = new Float64Array(this.steps + 1);
    this.jobs = new Array(this.steps + 1).fill(null);
    this.rpmSet = new Float64Array(this.steps + 1);
    this.job = null;
    this.beginJob();
    this.phi[this.steps] = 0;
    this.jobs[this.steps] = this.job;
  }

  private beginJob(): void {
    const next = this.source(this.ordinal);
    if (!next) {
      // The last car stays on the lathe (gravity, probe) through the final tail; nothing restarts.
      this.tFinish = this.t + FINAL_TAIL_US;
      return;
    }
    this.job = next;
    const c = this.job.causes;
    this.speed = new SpeedProfile(new Rng(mixSeed(this.seed, this.ordinal, 6)), c.rpmSetPoint, c.rpmJitter);
    this.tSpinUp = this.t + this.job.plan.idleStoppedS * 1e6;
    this.tMeasure = this.tSpinUp + RAMP_US + this.job.plan.idleSpinS * 1e6;
    this.tRunOnEnd = Infinity;
    this.jobRevs = [];
  }

  /** Steps the world through the next block [t0, t0 + blockUs]. */
  advance(): void {
    this.marks.length = 0;
    this.latheChanges.length = 0;
    this.finishedJobs.length = 0;
    this.revolutions.length = 0;
    this.t0 = this.t;
    this.phi[0] = this.phiNow;
    this.omega[0] = this.omegaNow;
    this.jobs[0] = this.job;
    this.rpmSet[0] = this.rpmSet[this.steps];
    for (let i = 1; i <= this.steps; i++) {
      this.step();
      this.phi[i] = this.phiNow;
      this.omega[i] = this.omegaNow;
      this.jobs[i] = this.job;
      this.rpmSet[i] = this.snapshotRpm();
    }
    if (this.t >= this.tFinish) this.done = true;
  }

  private targetOmega(t: number): number {
    const load = this.state === LatheState.CUT ? 1 : 0;
    return this.speed ? this.speed.revPerS(t, load) : 0;
  }

  private step(): void {
    const tPrev = this.t;
    const t = (this.t += STEP_US);
    const omegaPrev = this.omegaNow;
    switch (this.mode) {
      case "stopped":
        this.omegaNow = 0;
        if (this.job && this.tFinish === Infinity && t >= this.tSpinUp) {
          this.mode = "up";
          this.modeT = t;
          this.rpmOn = true;
          this.job.phiSpinStart = this.phiNow;
        }
        break;
      case "up": {
        const f = (t - this.modeT) / RAMP_US;
        this.omegaNow = this.targetOmega(t) * Math.min(1, f);
        if (f >= 1) this.mode = "on";
        break;
      }
      case "on":
        this.omegaNow = this.targetOmega(t);
        if (t >= this.tRunOnEnd) {
          this.mode = "down";
          this.modeT = t;
          this.omegaAtDown = this.omegaNow;
          this.rpmOn = false;
        }
        break;
      case "down": {
        const f = (t - this.modeT) / RAMP_US;
        this.omegaNow = this.omegaAtDown * Math.max(0, 1 - f);
        if (f >= 1) {
          this.mode = "stopped";
          this.ordinal++;
          this.beginJob();
        }
        break;
      }
    }
    const phiPrev = this.phiNow;
    this.phiNow += ((omegaPrev + this.omegaNow) / 2) * (STEP_US / 1e6);

    const job = this.job;
    if (job && this.state === LatheState.IDLE && Number.isNaN(job.phiMeasure) && this.mode === "on" && t >= this.tMeasure) {
      job.startMeasure(this.phiNow);
      job.startSimUs = t;
      this.state = LatheState.MEASURE;
      this.noteChange(t);
    } else if (job && this.state !== LatheState.IDLE) {
      const next = job.stateAt(this.phiNow);
      if (next !== this.state) {
        const boundary = job.boundaries.find((b) => b > phiPrev && b <= this.phiNow) ?? this.phiNow;
        const tc = this.timeOf(boundary, tPrev, phiPrev);
        this.state = next;
        if (next === LatheState.IDLE) {
          this.flag = 0;
          job.endSimUs = tc;
          this.tRunOnEnd = t + RUN_ON_US;
        }
        this.noteChange(tc);
        if (next === LatheState.IDLE) this.finishedJobs.push(jobTruth(job, this.jobRevs));
      }
      if (this.state !== LatheState.IDLE && this.flag === 0 && this.phiNow >= job.phiFlag) {
        this.flag = 1;
        this.noteChange(this.timeOf(job.phiFlag, tPrev, phiPrev));
      }
    }

    if (Math.floor(this.phiNow) > Math.floor(phiPrev)) {
      const n = Math.floor(this.phiNow);
      const tm = this.timeOf(n, tPrev, phiPrev);
      this.marks.push({ simUs: tm, job });
      const last = this.lastMark;
      if (last && last.job === job && job) {
        const rev: RevolutionTruth = {
          job: job.ordinal,
          startSimUs: last.simUs,
          endSimUs: tm,
          startPhi: last.phi,
          phase: last.changed ? null : last.state,
          compensated: last.phi > job.phiFlag,
          shapeP2pUm: job.shapePeakToPeak(last.phi, n),
          startMarkUs: 0,
          endMarkUs: 0,
        };
        this.revolutions.push(rev);
        this.jobRevs.push(rev);
      }
      this.lastMark = { phi: n, simUs: tm, job, state: this.state, changed: false };
    }
  }

  /** Sim µs at which φ reached `target` during the step that began at tPrev (linear in the step). */
  private timeOf(target: number, tPrev: number, phiPrev: number): number {
    return tPrev + ((target - phiPrev) / (this.phiNow - phiPrev)) * STEP_US;
  }

  private noteChange(simUs: number): void {
    if (this.lastMark) this.lastMark.changed = true;
    this.latheChanges.push({ simUs, ...this.snapshotAt() });
  }

  /** State, flags, tool and rpm as the lathe reports them now. */
  snapshotAt(): { state: number; flags: number; toolX100: number; rpm: number } {
    const job = this.job;
    const tool = job && this.state !== LatheState.IDLE ? job.toolMmAt(this.phiNow) : 0;
    return {
      state: this.state,
      flags: this.flag,
      toolX100: Math.round(tool * 100),
      rpm: this.snapshotRpm(),
    };
  }

  private snapshotRpm(): number {
    return this.rpmOn && this.job ? this.job.causes.rpmSetPoint : 0;
  }

  /** Reported rpm set point at sim time t inside the last block. */
  rpmAt(t: number): number {
    const i = Math.min(this.steps, Math.max(0, Math.round((t - this.t0) / STEP_US)));
    return this.rpmSet[i];
  }

  /** Fills ctx for sim time t inside the last block (t0 ≤ t ≤ t0 + blockUs). */
  sample(t: number, ctx: SampleContext): void {
    let x = (t - this.t0) / STEP_US;
    if (x < 0) x = 0;
    else if (x > this.steps) x = this.steps;
    let i = Math.floor(x);
    if (i >= this.steps) i = this.steps - 1;
    const f = x - i;
    const phi = this.phi[i] + f * (this.phi[i + 1] - this.phi[i]);
    const job = f < 0.5 ? this.jobs[i] : this.jobs[i + 1];
    ctx.phi = phi;
    ctx.omega = this.omega[i] + f * (this.omega[i + 1] - this.omega[i]);
    ctx.job = job;
    if (job && !Number.isNaN(job.phiMeasure)) {
      ctx.state = job.stateAt(phi);
      ctx.cut = ctx.state === LatheState.CUT ? job.cutAt(phi) : -1;
      ctx.toolMm = ctx.state === LatheState.IDLE ? 0 : job.toolMmAt(phi);
    } else {
      ctx.state = LatheState.IDLE;
      ctx.cut = -1;
      ctx.toolMm = 0;
    }
  }
}
