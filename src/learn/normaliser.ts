// Online normalisation statistics per input: z = clamp((x − mean) / std, ±clamp).
//
// observe(x) updates mean and variance by Welford's algorithm for the first `window` observations,
// then as exponentially weighted averages with weight 1/window, so the statistics follow a slowly
// changing population (fleet drift) instead of freezing, but one job moves them by at most 1/window.
// A NaN input is skipped by observe() and maps to z = 0 (the mean). std has a floor (`minStd`
// relative to |mean|, plus an absolute 1e-6) so a constant input does not blow up. The statistics
// go into the model file as the `norm` section (toBytes / fromBytes).
// Allocation-free: observe() and apply() work in the preallocated arrays.

export class Normaliser {
  readonly count: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  /** std(i), kept up to date by observe() so apply() calls nothing (a double returned from a call
   *  V8 does not inline is boxed: an allocation per input). */
  readonly sd: Float64Array;
  /** clamp as a double in a typed array: `let z … if (z > c) z = c` with c a small-integer field
   *  made V8 box z (a heap number per input: GC in the replay steps). */
  private readonly limit: Float64Array;

  constructor(
    readonly width: number,
    /** Observations before the statistics turn into exponentially weighted averages. */
    readonly window = 500,
    /** |z| is clamped to this. */
    readonly clamp = 6,
  ) {
    this.count = new Float64Array(width);
    this.mean = new Float64Array(width);
    this.m2 = new Float64Array(width);
    this.sd = new Float64Array(width);
    this.limit = new Float64Array([clamp]);
    this.refresh();
  }

  private refresh(): void {
    for (let i = 0; i < this.width; i++) this.sd[i] = this.std(i);
  }

  observe(x: ArrayLike<number>): void {
    const w = this.window;
    for (let i = 0; i < this.width; i++) {
      const v = x[i];
      if (v !== v || v === Infinity || v === -Infinity) continue;
      const n = this.count[i] + 1;
      this.count[i] = n;
      const a = n < w ? 1 / n : 1 / w;
      const d = v - this.mean[i];
      this.mean[i] += a * d;
      // Welford while n < window (m2 = Σ of squared deviations), then an EW variance kept as var × n.
      if (n < w) this.m2[i] += d * (v - this.mean[i]);
      else this.m2[i] = (1 - a) * (this.m2[i] + a * d * d * (w - 1));
      const variance = n < 2 ? 0 : n < w ? this.m2[i] / (n - 1) : this.m2[i] / (w - 1);
      const floor = 1e-6 + 1e-3 * Math.abs(this.mean[i]);
      const sd = Math.sqrt(variance);
      this.sd[i] = sd > floor ? sd : floor;
    }
  }

  std(i: number): number {
    const n = this.count[i];
    const w = this.window;
    const variance = n < 2 ? 0 : n < w ? this.m2[i] / (n - 1) : this.m2[i] / (w - 1);
    const floor = 1e-6 + 1e-3 * Math.abs(this.mean[i]);
    const s = Math.sqrt(variance);
    return s > floor ? s : floor;
  }

  /** out[i] = clamped z-score of x[i] (0 for NaN or before any observation). */
  apply(x: ArrayLike<number>, out: Float64Array): void {
    const c = this.limit[0];
    const mean = this.mean;
    const sd = this.sd;
    const count = this.count;
    for (let i = 0; i < this.width; i++) {
      const v = x[i];
      if (v !== v || count[i] === 0) {
        out[i] = 0;
        continue;
      }
      const z = (v - mean[i]) / sd[i];
      out[i] = z > c ? c : z < -c ? -c : z;
    }
  }

  /** apply() to src[offset … offset + width) (e.g. a row of a replay buffer, without a view or copy). */
  applyAt(src: Float64Array, offset: number, out: Float64Array): void {
    const c = this.limit[0];
    const mean = this.mean;
    const sd = this.sd;
    const count = this.count;
    for (let i = 0; i < this.width; i++) {
      const v = src[offset + i];
      if (v !== v || count[i] === 0) {
        out[i] = 0;
        continue;
      }
      const z = (v - mean[i]) / sd[i];
      out[i] = z > c ? c : z < -c ? -c : z;
    }
  }

  /** One value back from z (for a normalised regression target). */
  invert(i: number, z: number): number {
    return this.mean[i] + z * this.sd[i];
  }

  copyFrom(o: Normaliser): void {
    this.count.set(o.count);
    this.mean.set(o.mean);
    this.m2.set(o.m2);
    this.refresh();
  }

  /** [width, window, clamp, count…, mean…, m2…] as float64 little-endian. */
  toBytes(): Uint8Array {
    const a = new Float64Array(3 + 3 * this.width);
    a[0] = this.width;
    a[1] = this.window;
    a[2] = this.clamp;
    a.set(this.count, 3);
    a.set(this.mean, 3 + this.width);
    a.set(this.m2, 3 + 2 * this.width);
    return new Uint8Array(a.buffer);
  }

  static fromBytes(bytes: Uint8Array, what: string): Normaliser {
    if (bytes.byteLength % 8 !== 0 || bytes.byteLength < 24) throw new Error(`${what}: norm section of ${bytes.byteLength} bytes is not a float64 array`);
    const a = new Float64Array(new Uint8Array(bytes).buffer);
    const width = a[0];
    if (!Number.isInteger(width) || width < 1 || a.length !== 3 + 3 * width) throw new Error(`${what}: norm section says width ${width} but holds ${a.length} numbers`);
    const n = new Normaliser(width, a[1], a[2]);
    n.count.set(a.subarray(3, 3 + width));
    n.mean.set(a.subarray(3 + width, 3 + 2 * width));
    n.m2.set(a.subarray(3 + 2 * width));
    n.refresh();
    return n;
  }
}
