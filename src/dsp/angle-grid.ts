// Resampling one revolution onto a fixed angle grid, and the rotation orders of such a grid.
//
// Each sample goes to bin floor(G · u), u = (t − start) / period its fraction of the revolution, so
// every sample is placed by its own time relative to the INDEX mark and the revolution's period: a
// revolution at any rpm fills the same grid. A bin holds the mean of its samples (a box filter over 2π/G of angle, which also keeps
// non-synchronous high-frequency content from aliasing into the orders); empty bins (few samples per
// revolution, saturated samples) are filled by linear interpolation between the nearest filled bins,
// round the circle.
//
// Orders: the grid's DFT at orders 1..N, with bin centres at (g + ½)·2π/G and each order divided by
// sinc(πk/G), the box filter's gain, so that a sinusoid of amplitude A at order k reads A.

const TWO_PI = 2 * Math.PI;

export interface AngleGridOptions {
  /** Bins per revolution (default 256; at least 4 × orders + 4). */
  bins?: number;
  /** Highest rotation order N (default 8, 1..64). */
  orders?: number;
  /** Fewest filled bins for a usable grid (default the larger of bins / 4 and 2 × orders + 1). */
  minFilled?: number;
}

export class AngleGrid {
  readonly bins: number;
  readonly orders: number;
  readonly minFilled: number;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  /** cos / sin of order k at bin centre g: [g * orders + k − 1]. */
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;
  /** 1 / sinc(πk/G) for k = 0..orders. */
  private readonly gain: Float64Array;

  constructor(options: AngleGridOptions = {}) {
    const orders = options.orders ?? 8;
    if (!Number.isInteger(orders) || orders < 1 || orders > 64) {
      throw new RangeError(`AngleGrid orders must be an integer in 1..64, got ${orders}`);
    }
    const bins = options.bins ?? 256;
    if (!Number.isInteger(bins) || bins < 4 * orders + 4) {
      throw new RangeError(`AngleGrid bins must be an integer ≥ 4 × orders + 4 (${4 * orders + 4}), got ${bins}`);
    }
    const minFilled = options.minFilled ?? Math.max(Math.ceil(bins / 4), 2 * orders + 1);
    if (!Number.isInteger(minFilled) || minFilled < 2 * orders + 1 || minFilled > bins) {
      throw new RangeError(`AngleGrid minFilled must be an integer in ${2 * orders + 1}..${bins}, got ${minFilled}`);
    }
    this.bins = bins;
    this.orders = orders;
    this.minFilled = minFilled;
    this.sums = new Float64Array(bins);
    this.counts = new Float64Array(bins);
    this.cosT = new Float64Array(bins * orders);
    this.sinT = new Float64Array(bins * orders);
    this.gain = new Float64Array(orders + 1);
    for (let g = 0; g < bins; g++) {
      const centre = ((g + 0.5) * TWO_PI) / bins;
      for (let k = 1; k <= orders; k++) {
        this.cosT[g * orders + k - 1] = Math.cos(k * centre);
        this.sinT[g * orders + k - 1] = Math.sin(k * centre);
      }
    }
    this.gain[0] = 1;
    for (let k = 1; k <= orders; k++) {
      const x = (Math.PI * k) / bins;
      this.gain[k] = x / Math.sin(x);
    }
  }

  /**
   * Bins values[0..n) placed by u[i] = (t − start) / period (the fraction of the revolution at which
   * sample i was taken) into `grid` (length ≥ bins). NaN values (excluded samples) and fractions
   * outside [0, 1) are skipped. Returns the number of bins that held samples; when it is below
   * minFilled, `grid` is all NaN. (No period argument: V8 boxes double arguments of calls it does
   * not inline.)
   */
  fill(u: Float64Array, values: Float64Array, n: number, grid: Float64Array): number {
    const G = this.bins;
    const sums = this.sums;
    const counts = this.counts;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== v) continue;
      const b = Math.floor(u[i] * G);
      if (b >= 0 && b < G) {
        sums[b] += v;
        counts[b]++;
      }
    }
    let filled = 0;
    let first = -1;
    for (let g = 0; g < G; g++) {
      if (counts[g] > 0) {
        grid[g] = sums[g] / counts[g];
        filled++;
        if (first < 0) first = g;
      }
    }
    if (filled < this.minFilled) {
      for (let g = 0; g < G; g++) grid[g] = Number.NaN;
      return filled;
    }
    // Interpolate each run of empty bins between its filled neighbours (circularly).
    let prev = first;
    for (let step = 1; step <= G; step++) {
      const g = (first + step) % G;
      if (counts[g] === 0) continue;
      const gap = (g - prev + G) % G || G;
      for (let j = 1; j < gap; j++) {
        const f = j / gap;
        grid[(prev + j) % G] = grid[prev] + f * (grid[g] - grid[prev]);
      }
      prev = g;
    }
    return filled;
  }

  /**
   * Phasors of a filled grid into out (length ≥ 2 × orders + 1): out[0] = mean, out[2k − 1] = a_k,
   * out[2k] = b_k with grid(θ) ≈ mean + Σ a_k cos kθ + b_k sin kθ (box-filter gain corrected).
   */
  phasors(grid: Float64Array, out: Float64Array): void {
    const G = this.bins;
    const K = this.orders;
    const cosT = this.cosT;
    const sinT = this.sinT;
    for (let i = 0; i <= 2 * K; i++) out[i] = 0;
    // Bin-major, so the tables are read in order.
    for (let g = 0; g < G; g++) {
      const v = grid[g];
      const base = g * K - 1;
      out[0] += v;
      for (let k = 1; k <= K; k++) {
        out[2 * k - 1] += v * cosT[base + k];
        out[2 * k] += v * sinT[base + k];
      }
    }
    out[0] /= G;
    for (let k = 1; k <= K; k++) {
      const scale = (2 / G) * this.gain[k];
      out[2 * k - 1] *= scale;
      out[2 * k] *= scale;
    }
  }

  /** Amplitudes √(a_k² + b_k²) of orders 1..N from phasors, into out[offset + k − 1]. */
  amplitudes(phasors: Float64Array, out: Float64Array, offset: number): void {
    for (let k = 1; k <= this.orders; k++) {
      const a = phasors[2 * k - 1];
      const b = phasors[2 * k];
      out[offset + k - 1] = Math.sqrt(a * a + b * b);
    }
  }
}
