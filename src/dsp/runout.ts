// Per-revolution lateral runout (LRO) from probe samples between two INDEX marks.
//
// The datasheet defines LRO as the peak-to-peak of the face's geometric profile over a revolution,
// not of the noisy samples. We fit y(θ) = a0 + Σ_{k=1..K} (a_k cos kθ + b_k sin kθ) by least squares,
// with θ = 2π (t − start) / period taken from each sample's own time (the sample count per revolution
// varies with rpm and the samples need not lie on a grid), then evaluate the fitted series on a fine
// angle grid and report its max − min. Saturated samples are excluded through the flags.
//
// The normal equations are accumulated sample by sample (harmonics by the angle-addition recurrence,
// one cos/sin per sample) and solved by Cholesky at finish(), so a revolution of any length needs no
// sample buffer. Allocation-free after construction: results are read after finish() from `result`
// (or the getters of the same names).
//
// Usage per revolution: begin(startUs, periodUs); optionally setLine(...); add(...) one or more
// ranges; finish().
//
// A known non-synchronous line (NonSyncLine: e.g. a loose adapter's rattle) may be set after begin():
// it is subtracted from every sample added, so the shape (and its peak-to-peak) leaves it out.

import { choleskySolveInPlace } from "./cholesky.ts";

export interface RunoutOptions {
  /** Highest rotation order K fitted (default 6, 1..16). The fit has 2K + 1 coefficients. */
  orders?: number;
  /** Angle grid points on which the fitted shape is evaluated (default 360, at least 8K). */
  grid?: number;
  /** Fewest samples a revolution needs, beyond the 2K + 1 unknowns (default 4 × (2K + 1)). */
  minSamples?: number;
}

const TWO_PI = 2 * Math.PI;
/** Slots of RunoutFit.result. */
export const RunoutResult = {
  PEAK_TO_PEAK: 0,
  MAX: 1,
  MIN: 2,
  MAX_ANGLE_DEG: 3,
  MIN_ANGLE_DEG: 4,
  RESIDUAL_RMS: 5,
} as const;
const { PEAK_TO_PEAK, MAX, MIN, MAX_ANGLE_DEG, MIN_ANGLE_DEG, RESIDUAL_RMS } = RunoutResult;

export class RunoutFit {
  readonly orders: number;
  readonly gridPoints: number;
  readonly minSamples: number;
  /** Fitted coefficients after finish(): [a0, a1, b1, a2, b2, …, aK, bK], in the values' units. */
  readonly coefficients: Float64Array;

  /** finish() fitted the revolution (enough samples, well-posed). When false the results are NaN. */
  ok = false;
  /** Results after finish(), slots named by RunoutResult (NaN when not ok). Reading this array never
   *  allocates; the getters below return the same numbers, but V8 boxes a double returned from a
   *  call it does not inline, so a strictly allocation-free caller reads `result`. */
  readonly result = new Float64Array(6).fill(Number.NaN);
  /** max − min of the fitted shape over the revolution (LRO), in the values' units. */
  get peakToPeak(): number {
    return this.result[RunoutResult.PEAK_TO_PEAK];
  }
  get max(): number {
    return this.result[RunoutResult.MAX];
  }
  get min(): number {
    return this.result[RunoutResult.MIN];
  }
  /** Angles from the revolution's start (the INDEX mark) of the shape's max and min, degrees. */
  get maxAngleDeg(): number {
    return this.result[RunoutResult.MAX_ANGLE_DEG];
  }
  get minAngleDeg(): number {
    return this.result[RunoutResult.MIN_ANGLE_DEG];
  }
  /** RMS of the samples about the fitted shape (≈ the probe's noise), in the values' units. */
  get residualRms(): number {
    return this.result[RunoutResult.RESIDUAL_RMS];
  }
  /** Samples used, and samples left out (flagged saturated, outside the revolution, or NaN time). */
  samples = 0;
  excluded = 0;

  private readonly m: number;
  private readonly normal: Float64Array;
  private readonly rhs: Float64Array;
  private readonly solveA: Float64Array;
  private readonly basis: Float64Array;
  private readonly gridCos: Float64Array;
  private readonly gridSin: Float64Array;
  /** [start µs, period µs, Σ y²] */
  private readonly rev = new Float64Array(3);
  /** Line subtracted from the samples: [active, ω rad/µs, a, b], a cos ω(t − start) + b sin ω(t − start). */
  private readonly line = new Float64Array(4);
  private readonly shape: Float64Array;

  constructor(options: RunoutOptions = {}) {
    const orders = options.orders ?? 6;
    if (!Number.isInteger(orders) || orders < 1 || orders > 16) {
      throw new RangeError(`RunoutFit orders must be an integer in 1..16, got ${orders}`);
    }
    const grid = options.grid ?? 360;
    if (!Number.isInteger(grid) || grid < 8 * orders) {
      throw new RangeError(`RunoutFit grid must be an integer ≥ 8 × orders (${8 * orders}), got ${grid}`);
    }
    this.orders = orders;
    this.gridPoints = grid;
    this.m = 2 * orders + 1;
    const minSamples = options.minSamples ?? 4 * this.m;
    if (!Number.isInteger(minSamples) || minSamples < this.m) {
      throw new RangeError(`RunoutFit minSamples must be an integer ≥ ${this.m}, got ${minSamples}`);
    }
    this.minSamples = minSamples;
    this.coefficients = new Float64Array(this.m);
    this.normal = new Float64Array(this.m * this.m);
    this.solveA = new Float64Array(this.m * this.m);
    this.rhs = new Float64Array(this.m);
    this.basis = new Float64Array(this.m);
    this.shape = new Float64Array(grid);
    this.gridCos = new Float64Array(grid * orders);
    this.gridSin = new Float64Array(grid * orders);
    for (let g = 0; g < grid; g++) {
      for (let k = 1; k <= orders; k++) {
        const a = (TWO_PI * k * g) / grid;
        this.gridCos[g * orders + k - 1] = Math.cos(a);
        this.gridSin[g * orders + k - 1] = Math.sin(a);
      }
    }
  }

  /** Starts a revolution: the INDEX mark at startUs, the next one periodUs later. */
  begin(startUs: number, periodUs: number): void {
    this.normal.fill(0);
    this.rhs.fill(0);
    this.rev[0] = startUs;
    this.rev[1] = periodUs;
    this.rev[2] = 0;
    this.samples = 0;
    this.excluded = 0;
    this.ok = false;
    this.line[0] = 0;
  }

  /**
   * Subtracts a line from this revolution's samples: line = [active (1/0), ω (rad/µs), a, b] as
   * NonSyncLine.line, the time from the revolution's start (begin()). Call after begin(), before add().
   */
  setLine(line: Float64Array): void {
    this.line[0] = line[0] === 1 ? 1 : 0;
    this.line[1] = line[1];
    this.line[2] = line[2];
    this.line[3] = line[3];
  }

  /**
   * Adds samples number from..to−1 of a ring: sample i is at slot i % times.length, its time
   * times[slot] (µs) and its value values[slot] × scale (e.g. raw counts × lsb → µm). A sample is
   * left out when flags is given and (flags[slot] & flagMask) ≠ 0 (saturated), or when its time is
   * not in [start, start + period). Plain arrays work too (from = 0, to = length).
   */
  add(
    times: Float64Array,
    values: ArrayLike<number>,
    flags: Uint8Array | null,
    flagMask: number,
    from: number,
    to: number,
    scale: number,
  ): void {
    const cap = times.length;
    const start = this.rev[0];
    const period = this.rev[1];
    const m = this.m;
    const K = this.orders;
    const phi = this.basis;
    const normal = this.normal;
    const rhs = this.rhs;
    let used = 0;
    let sumSq = 0;
    const lineOn = this.line[0] === 1;
    const lw = this.line[1];
    const la = this.line[2];
    const lb = this.line[3];
    for (let i = from; i < to; i++) {
      const slot = i % cap;
      const dt = times[slot] - start;
      if (!(dt >= 0 && dt < period) || (flags !== null && (flags[slot] & flagMask) !== 0)) {
        this.excluded++;
        continue;
      }
      let y = values[slot] * scale;
      if (lineOn) y -= la * Math.cos(lw * dt) + lb * Math.sin(lw * dt);
      const theta = (TWO_PI * dt) / period;
      const c1 = Math.cos(theta);
      const s1 = Math.sin(theta);
      phi[0] = 1;
      let ck = c1;
      let sk = s1;
      for (let k = 1; k <= K; k++) {
        phi[2 * k - 1] = ck;
        phi[2 * k] = sk;
        const next = ck * c1 - sk * s1;
        sk = sk * c1 + ck * s1;
        ck = next;
      }
      for (let r = 0; r < m; r++) {
        const pr = phi[r];
        rhs[r] += pr * y;
        const row = r * m;
        for (let c = 0; c <= r; c++) normal[row + c] += pr * phi[c];
      }
      sumSq += y * y;
      used++;
    }
    this.samples += used;
    this.rev[2] += sumSq;
  }

  /** Solves the fit and evaluates the shape. Returns ok; on false every result is NaN. */
  finish(): boolean {
    this.ok = false;
    this.result.fill(Number.NaN);
    const m = this.m;
    if (this.samples < this.minSamples || !(this.rev[1] > 0)) {
      this.coefficients.fill(Number.NaN);
      return false;
    }
    this.solveA.set(this.normal);
    const c = this.coefficients;
    c.set(this.rhs);
    if (!choleskySolveInPlace(this.solveA, c, m)) {
      c.fill(Number.NaN);
      return false;
    }
    // Residual sum of squares = Σy² − cᵀ r for the least-squares solution.
    let explained = 0;
    for (let i = 0; i < m; i++) explained += c[i] * this.rhs[i];
    const rss = Math.max(0, this.rev[2] - explained);
    this.result[RESIDUAL_RMS] = this.samples > m ? Math.sqrt(rss / (this.samples - m)) : 0;
    this.evaluateGrid();
    this.ok = true;
    return true;
  }

  /** Shape on the grid, then its max and min, each refined by a parabola through its neighbours.
   *  (Values go through the `shape` array: V8 boxes doubles returned from calls it does not inline.) */
  private evaluateGrid(): void {
    const G = this.gridPoints;
    const K = this.orders;
    const c = this.coefficients;
    const shape = this.shape;
    let maxG = 0;
    let minG = 0;
    for (let g = 0; g < G; g++) {
      const base = g * K;
      let v = c[0];
      for (let k = 1; k <= K; k++) v += c[2 * k - 1] * this.gridCos[base + k - 1] + c[2 * k] * this.gridSin[base + k - 1];
      shape[g] = v;
      if (v > shape[maxG]) maxG = g;
      if (v < shape[minG]) minG = g;
    }
    this.refine(maxG, MAX, MAX_ANGLE_DEG);
    this.refine(minG, MIN, MIN_ANGLE_DEG);
    this.result[PEAK_TO_PEAK] = this.result[MAX] - this.result[MIN];
  }

  /** Parabolic refinement of the extreme at grid point g into result[valueSlot], result[angleSlot]. */
  private refine(g: number, valueSlot: number, angleSlot: number): void {
    const G = this.gridPoints;
    const shape = this.shape;
    const v = shape[g];
    const left = shape[(g + G - 1) % G];
    const right = shape[(g + 1) % G];
    const curvature = left - 2 * v + right;
    let offset = 0;
    let best = v;
    if (curvature !== 0) {
      offset = (0.5 * (left - right)) / curvature;
      if (offset > 0.5) offset = 0.5;
      else if (offset < -0.5) offset = -0.5;
      best = v - 0.25 * (left - right) * offset;
    }
    // The refinement may only move the extreme outward, never inside the grid value.
    this.result[valueSlot] = valueSlot === MAX ? Math.max(v, best) : Math.min(v, best);
    this.result[angleSlot] = ((((g + offset) / G) * 360) % 360 + 360) % 360;
  }
}
