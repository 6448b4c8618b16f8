// VIB: 3-axis accelerometer, 32 samples × 3 channels a SAMPLES frame. The sensor runs internally at
// 3200 Hz; at 1600 / 800 / 400 Hz each output sample is the mean of 2 / 4 / 8 internal ones (the
// part's own low-pass), time-stamped at the first. Raw = round(g / 0.0039), ±16 g → 32767 / −32768.

import { BoardKind } from "../../src/protocol/index.ts";
import type { FaultPlan } from "../faults.ts";
import { AccelModel, VIB_INTERNAL_HZ } from "../physics/accel.ts";
import type { Rng } from "../random.ts";
import type { SampleContext, World } from "../world.ts";
import { Board, STATUS_OVERRANGE } from "./board.ts";

export const VIB_LSB_G = 0.0039;
export const VIB_RANGE_G = 16;
export const VIB_SAMPLES_PER_FRAME = 32;
const SUB_US = 1e6 / VIB_INTERNAL_HZ;
/** First internal sample after boot, µs. */
const FIRST_SAMPLE_US = 250;

export function quantizeG(g: number): number {
  if (g > VIB_RANGE_G) return 32767;
  if (g < -VIB_RANGE_G) return -32768;
  return Math.round(g / VIB_LSB_G);
}

export class VibBoard extends Board {
  private readonly model: AccelModel;
  private q = 0;
  private firstSampleAt = 0;
  private dec = 1;
  private sub = 0;
  private readonly sum = new Float64Array(3);
  private readonly acc = new Float64Array(3);
  private frame = new Int16Array(VIB_SAMPLES_PER_FRAME * 3);
  private nInFrame = 0;
  private frameT = 0;
  private readonly ctx: SampleContext = { phi: 0, omega: 0, state: 0, job: null, cut: -1, toolMm: 0 };

  constructor(serialNo: number, clockStartUs: number, faults: FaultPlan, noiseRng: Rng, lineRng: Rng) {
    super(
      "vib",
      { kind: BoardKind.VIB, fwMajor: 1, fwMinor: 3, channels: 3, serialNo, lsb: VIB_LSB_G, defaultRate: 3200, rates: [400, 800, 1600, 3200] },
      clockStartUs,
      faults,
      lineRng,
    );
    this.model = new AccelModel(noiseRng);
  }

  protected onBoot(simUs: number): void {
    this.firstSampleAt = simUs + FIRST_SAMPLE_US;
    this.q = 0;
    this.rateChanged();
  }

  protected rateChanged(): void {
    this.dec = VIB_INTERNAL_HZ / this.rateHz;
    this.sub = 0;
    this.sum.fill(0);
    this.nInFrame = 0;
  }

  protected generate(world: World, t0: number, t1: number): void {
    for (;;) {
      const t = this.firstSampleAt + this.q * SUB_US;
      if (t >= t1) break;
      this.q++;
      if (t < t0) continue;
      world.sample(t, this.ctx);
      this.model.sample(this.ctx, t / 1e6, this.acc);
      if (this.saturated(t)) {
        const shock = 25 * Math.sin((2 * Math.PI * 180 * t) / 1e6);
        this.acc[0] += shock;
        this.acc[2] -= shock;
      }
      if (this.sub === 0) {
        if (this.nInFrame === 0) this.frameT = t;
        this.sum.fill(0);
      }
      this.sum[0] += this.acc[0];
      this.sum[1] += this.acc[1];
      this.sum[2] += this.acc[2];
      if (++this.sub < this.dec) continue;
      this.sub = 0;
      const base = this.nInFrame * 3;
      const dead = this.sensorFault(t);
      for (let a = 0; a < 3; a++) {
        const raw = dead ? 0 : quantizeG(this.sum[a] / this.dec);
        if (raw === 32767 || raw === -32768) this.statusFlags |= STATUS_OVERRANGE;
        this.frame[base + a] = raw;
      }
      if (++this.nInFrame === VIB_SAMPLES_PER_FRAME) {
        if (this.streaming) this.queueSamples(t + SUB_US, this.frameT, this.frame, VIB_SAMPLES_PER_FRAME);
        this.frame = new Int16Array(VIB_SAMPLES_PER_FRAME * 3);
        this.nInFrame = 0;
      }
    }
  }
}
