// Fixed-size buffers the dashboard fills from the board channels (allocated once): recent RUN probe
// samples, to draw a revolution's runout profile, and recent VIB radial samples, for the spectrum.
import FFT from "fft.js";

/** Angle bins of a drawn runout profile (5° each). */
export const PROFILE_BINS = 72;

/**
 * The last `capacity` RUN samples (board time µs, raw counts). A revolution's features arrive only
 * once both boards have passed its end, so the probe samples must outlive the other board's lag:
 * the default 65536 (1 MiB) holds ~65 s at 1 kHz (~11 s of wall time for a simulator at 6×).
 */
export class RunRing {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private head = 0;
  private count = 0;
  private readonly sum = new Float64Array(PROFILE_BINS);
  private readonly n = new Float64Array(PROFILE_BINS);

  constructor(readonly capacity = 65536) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(t: number, raw: number): void {
    this.t[this.head] = t;
    this.v[this.head] = raw;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  clear(): void {
    this.count = 0;
  }

  /**
   * The revolution [startUs, startUs + periodUs) as PROFILE_BINS mean deviations from its own mean,
   * µm (raw × lsbUm), bin k covering angles [k, k + 1) × 5° from the INDEX mark; null when fewer than
   * half the bins have a sample (the samples have left the ring or never came).
   */
  profile(startUs: number, periodUs: number, lsbUm: number): (number | null)[] | null {
    this.sum.fill(0);
    this.n.fill(0);
    const end = startUs + periodUs;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head - 1 - k + this.capacity) % this.capacity;
      const t = this.t[i];
      if (t < startUs) break;
      if (t >= end) continue;
      const bin = Math.min(PROFILE_BINS - 1, Math.floor(((t - startUs) / periodUs) * PROFILE_BINS));
      this.sum[bin] += this.v[i] * lsbUm;
      this.n[bin]++;
    }
    let filled = 0;
    let mean = 0;
    for (let b = 0; b < PROFILE_BINS; b++) {
      if (this.n[b] === 0) continue;
      filled++;
      mean += this.sum[b] / this.n[b];
    }
    if (filled < PROFILE_BINS / 2) return null;
    mean /= filled;
    const out: (number | null)[] = [];
    for (let b = 0; b < PROFILE_BINS; b++) out.push(this.n[b] === 0 ? null : round3(this.sum[b] / this.n[b] - mean));
    return out;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Amplitude spectrum (peak g per bin, Hann window) of the last `size` VIB radial samples. */
export class SpectrumBuffer {
  private readonly ring: Float64Array;
  private readonly frame: Float64Array;
  private readonly out: number[];
  private readonly fft: FFT;
  private head = 0;
  private count = 0;
  /** Samples pushed since the last `compute`. */
  fresh = 0;

  constructor(readonly size = 1024) {
    this.ring = new Float64Array(size);
    this.frame = new Float64Array(size);
    this.fft = new FFT(size);
    this.out = this.fft.createComplexArray() as number[];
  }

  push(raw: number): void {
    this.ring[this.head] = raw;
    this.head = (this.head + 1) % this.size;
    if (this.count < this.size) this.count++;
    this.fresh++;
  }

  clear(): void {
    this.count = 0;
    this.fresh = 0;
  }

  /** Bins 0..size/2 as peak amplitude in g (raw × lsbG), mean removed; null until the ring is full. */
  compute(lsbG: number): number[] | null {
    if (this.count < this.size) return null;
    this.fresh = 0;
    const N = this.size;
    let mean = 0;
    for (let i = 0; i < N; i++) mean += this.ring[(this.head + i) % N];
    mean /= N;
    let wsum = 0;
    for (let i = 0; i < N; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1));
      wsum += w;
      this.frame[i] = (this.ring[(this.head + i) % N] - mean) * lsbG * w;
    }
    this.fft.realTransform(this.out, this.frame);
    const amp: number[] = [];
    for (let k = 0; k <= N / 2; k++) {
      const re = this.out[2 * k];
      const im = this.out[2 * k + 1];
      amp.push((Math.hypot(re, im) * (k === 0 || k === N / 2 ? 1 : 2)) / wsum);
    }
    return amp;
  }
}
