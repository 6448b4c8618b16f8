// Low rotation orders of one revolution's angle grid, robust to short synchronous transients.
//
// A hard spot in a disc hits the tool once per revolution at the same angle: an impulse into the
// structure, a few milliseconds long, that repeats every revolution and therefore survives
// synchronous averaging. Its low-order content (flat in order, like any short pulse) would be read
// as thickness variation. A disc's own profile is smooth (orders 1..4), so: fit mean + orders 1..N
// to the grid, find the bins whose residual is far outside the robust spread (|r| > `cut` × 1.4826 ×
// median |r|, and `guard` bins either side), and refit by least squares without them. When no bin
// stands out the plain grid phasors are kept unchanged.
//
// Usage: fit(grid, phasors) with the grid of AngleGrid.fill and its phasors (AngleGrid.phasors:
// [mean, a1, b1, …]); reads `out` ([mean, a1, b1, …, aN, bN]) and `excluded` (bins left out).
// Allocation-free after construction.
import { choleskySolveInPlace } from "./cholesky.ts";
import { select } from "./feature-summary.ts";

const TWO_PI = 2 * Math.PI;

export interface RobustOrdersOptions {
  /** Grid bins (default 256, as AngleGrid). */
  bins?: number;
  /** Orders fitted (default 4). */
  orders?: number;
  /** Outlier threshold in robust standard deviations (default 6). */
  cut?: number;
  /** Bins excluded on either side of an outlier (default 2). */
  guard?: number;
}

export class RobustOrders {
  readonly bins: number;
  readonly orders: number;
  readonly cut: number;
  readonly guard: number;
  /** [mean, a1, b1, …, aN, bN] of the last fit (NaN when the grid was unusable). */
  readonly out: Float64Array;
  /** Bins left out by the last fit. */
  excluded = 0;
  private readonly basis: Float64Array;
  private readonly resid: Float64Array;
  private readonly sorted: Float64Array;
  private readonly mask: Uint8Array;
  private readonly normal: Float64Array;
  private readonly rhs: Float64Array;
  private readonly m: number;

  constructor(options: RobustOrdersOptions = {}) {
    this.bins = options.bins ?? 256;
    this.orders = options.orders ?? 4;
    this.cut = options.cut ?? 6;
    this.guard = options.guard ?? 2;
    if (!Number.isInteger(this.bins) || !Number.isInteger(this.orders) || this.orders < 1 || this.bins < 8 * this.orders) {
      throw new RangeError(`RobustOrders needs integer bins ≥ 8 × orders and orders ≥ 1, got ${this.bins}, ${this.orders}`);
    }
    this.m = 2 * this.orders + 1;
    this.out = new Float64Array(this.m).fill(Number.NaN);
    this.basis = new Float64Array(this.bins * this.m);
    for (let g = 0; g < this.bins; g++) {
      const c = ((g + 0.5) * TWO_PI) / this.bins;
      this.basis[g * this.m] = 1;
      for (let k = 1; k <= this.orders; k++) {
        this.basis[g * this.m + 2 * k - 1] = Math.cos(k * c);
        this.basis[g * this.m + 2 * k] = Math.sin(k * c);
      }
    }
    this.resid = new Float64Array(this.bins);
    this.sorted = new Float64Array(this.bins);
    this.mask = new Uint8Array(this.bins);
    this.normal = new Float64Array(this.m * this.m);
    this.rhs = new Float64Array(this.m);
  }

  /** Fits `grid` (bins values); `phasors` = its plain phasors ([mean, a1, b1, …], ≥ 2N + 1 long). */
  fit(grid: Float64Array, phasors: Float64Array): void {
    const G = this.bins;
    const m = this.m;
    const out = this.out;
    this.excluded = 0;
    for (let i = 0; i < m; i++) out[i] = phasors[i];
    if (!(phasors[0] === phasors[0])) return;
    const basis = this.basis;
    for (let g = 0; g < G; g++) {
      let p = 0;
      for (let i = 0; i < m; i++) p += out[i] * basis[g * m + i];
      const r = grid[g] - p;
      this.resid[g] = r;
      this.sorted[g] = r < 0 ? -r : r;
    }
    const mad = nthSmallest(this.sorted, G, G >> 1);
    const limit = this.cut * 1.4826 * mad;
    if (!(limit > 0)) return;
    const mask = this.mask;
    mask.fill(0);
    let any = false;
    for (let g = 0; g < G; g++) {
      const r = this.resid[g];
      if (r > limit || r < -limit) {
        any = true;
        for (let d = -this.guard; d <= this.guard; d++) mask[(g + d + G) % G] = 1;
      }
    }
    if (!any) return;
    const normal = this.normal;
    const rhs = this.rhs;
    normal.fill(0);
    rhs.fill(0);
    let kept = 0;
    for (let g = 0; g < G; g++) {
      if (mask[g] === 1) continue;
      kept++;
      const o = g * m;
      const v = grid[g];
      for (let r = 0; r < m; r++) {
        const br = basis[o + r];
        rhs[r] += br * v;
        for (let c = 0; c <= r; c++) normal[r * m + c] += br * basis[o + c];
      }
    }
    if (kept < 4 * m) return;
    if (!choleskySolveInPlace(normal, rhs, m)) return;
    for (let i = 0; i < m; i++) out[i] = rhs[i];
    this.excluded = G - kept;
  }
}

/** The k-th smallest of a[0..n) (0-based; reorders a). */
function nthSmallest(a: Float64Array, n: number, k: number): number {
  select(a, 0, n - 1, k);
  return a[k];
}
