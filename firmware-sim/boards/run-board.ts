// RUN: runout probe (1000 Hz, 20 samples a SAMPLES frame, 0.1 µm LSB, i16 saturating), the hub's
// index sensor (INDEX once per revolution: exact mark time, period since the previous mark, 0 for
// the first after boot) and the lathe's state taps (LATHE on every change of state or compensation
// flag, and once a second).

import { BoardKind, type Frame } from "../../src/protocol/index.ts";
import type { FaultPlan } from "../faults.ts";
import { probeDisturbance, probeShape } from "../physics/probe.ts";
import type { Rng } from "../random.ts";
import type { SampleContext, World } from "../world.ts";
import { Board, STATUS_OVERRANGE } from "./board.ts";

export const RUN_LSB_UM = 0.1;
export const RUN_SAMPLES_PER_FRAME = 20;
const SAMPLE_US = 1000;
const FIRST_SAMPLE_US = 500;
/** Probe reading while lifted off the face (saturation fault), µm. */
const LIFTED_UM = 4000;

export function quantizeUm(um: number): number {
  const raw = Math.round(um / RUN_LSB_UM);
  if (raw >= 32767) return 32767;
  if (raw <= -32768) return -32768;
  return raw;
}

export class RunBoard extends Board {
  private q = 0;
  private firstSampleAt = 0;
  private frame = new Int16Array(RUN_SAMPLES_PER_FRAME);
  private nInFrame = 0;
  private frameT = 0;
  private lastMarkUs = -1;
  private latheNext = 0;
  /** Sim µs of the LATHE frame a (re)booted board sends with its current state; −1 once sent. */
  private bootLathe = -1;
  private readonly ctx: SampleContext = { phi: 0, omega: 0, state: 0, job: null, cut: -1, toolMm: 0 };

  constructor(serialNo: number, clockStartUs: number, faults: FaultPlan, private readonly noiseRng: Rng, lineRng: Rng) {
    super(
      "run",
      { kind: BoardKind.RUN, fwMajor: 2, fwMinor: 0, channels: 1, serialNo, lsb: RUN_LSB_UM, defaultRate: 1000, rates: [1000] },
      clockStartUs,
      faults,
      lineRng,
    );
  }

  protected onBoot(simUs: number): void {
    this.firstSampleAt = simUs + FIRST_SAMPLE_US;
    this.q = 0;
    this.nInFrame = 0;
    this.lastMarkUs = -1;
    this.latheNext = simUs + 1_000_000;
    this.bootLathe = simUs + 20;
  }

  protected rateChanged(): void {
    this.nInFrame = 0;
  }

  private latheFrame(world: World, t: number): Frame {
    world.sample(t, this.ctx);
    const job = this.ctx.job;
    const comp = job && this.ctx.state !== 0 && this.ctx.phi >= job.phiFlag ? 1 : 0;
    return {
      type: "LATHE", seq: 0, t_us: 0, state: this.ctx.state, rpm: world.rpmAt(t),
      tool_mm_x100: Math.round(this.ctx.toolMm * 100), flags: comp,
    };
  }

  protected generate(world: World, t0: number, t1: number): void {
    if (this.bootLathe >= t0 && this.bootLathe < t1) {
      this.queue(this.bootLathe, this.latheFrame(world, this.bootLathe));
      this.bootLathe = -1;
    }
    for (const m of world.marks) {
      if (m.simUs < this.bootAt && this.bootAt > 0) continue;
      const markUs = Math.round(m.simUs);
      const period = this.lastMarkUs < 0 ? 0 : markUs - this.lastMarkUs;
      this.lastMarkUs = markUs;
      this.queue(m.simUs + 40, { type: "INDEX", seq: 0, t_us: 0, t_mark_us: this.boardUs(markUs), period_us: period });
    }
    for (const c of world.latheChanges) {
      if (c.simUs < this.bootAt && this.bootAt > 0) continue;
      this.queue(c.simUs, { type: "LATHE", seq: 0, t_us: 0, state: c.state, rpm: c.rpm, tool_mm_x100: c.toolX100, flags: c.flags });
    }
    while (this.latheNext < t1) {
      const t = this.latheNext + 20;
      this.queue(t, this.latheFrame(world, Math.min(t, t1)));
      this.latheNext += 1_000_000;
    }
    for (;;) {
      const t = this.firstSampleAt + this.q * SAMPLE_US;
      if (t >= t1) break;
      this.q++;
      if (t < t0) continue;
      world.sample(t, this.ctx);
      let um = probeShape(this.ctx) + probeDisturbance(this.ctx, t / 1e6, this.noiseRng);
      if (this.saturated(t)) um = LIFTED_UM;
      const raw = this.sensorFault(t) ? 0 : quantizeUm(um);
      if (raw === 32767 || raw === -32768) this.statusFlags |= STATUS_OVERRANGE;
      if (this.nInFrame === 0) this.frameT = t;
      this.frame[this.nInFrame] = raw;
      if (++this.nInFrame === RUN_SAMPLES_PER_FRAME) {
        if (this.streaming) this.queueSamples(t + 60, this.frameT, this.frame, RUN_SAMPLES_PER_FRAME);
        this.frame = new Int16Array(RUN_SAMPLES_PER_FRAME);
        this.nInFrame = 0;
      }
    }
  }
}
