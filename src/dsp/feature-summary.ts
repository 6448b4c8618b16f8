// Per-phase summary of per-revolution feature vectors (e.g. a job's measure revolutions, its cut
// revolutions), as one fixed-length vector the learner can take: for every feature its mean, std,
// min, max, median and count, named `<feature>.<stat>` (summaryNames).
//
//   mean, std  Welford's running algorithm; std is the sample standard deviation (n − 1), 0 for n = 1
//   min, max   over all values
//   median     over the last `medianCapacity` revolutions (default 512) kept in a fixed ring; exact
//              while a phase has no more revolutions than that (a compressed cut has ~20, a real-length
//              one ~600)
//   n          values that were not NaN (a NaN feature, e.g. the first sub-rev figure, is skipped)
// Every stat is NaN when n = 0. Allocation-free after construction: add() and finish() work in the
// preallocated arrays; read `summary` after finish().

export const SUMMARY_STATS = ["mean", "std", "min", "max", "median", "n"] as const;
export const SummaryStat = { MEAN: 0, STD: 1, MIN: 2, MAX: 3, MEDIAN: 4, N: 5 } as const;
const STATS = SUMMARY_STATS.length;

export function summaryNames(featureNames: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of featureNames) for (const s of SUMMARY_STATS) out.push(`${name}.${s}`);
  return out;
}

export interface FeatureSummaryOptions {
  /** Revolutions kept for the median (default 512). */
  medianCapacity?: number;
}

export class FeatureSummary {
  readonly width: number;
  readonly names: readonly string[];
  readonly medianCapacity: number;
  /** After finish(): for feature i, slot i × 6 + SummaryStat.*. */
  readonly summary: Float64Array;
  /** Vectors added since reset(). */
  revolutions = 0;
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** Ring of the last medianCapacity vectors, row-major [row × width + feature]. */
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;

  constructor(featureNames: readonly string[], options: FeatureSummaryOptions = {}) {
    const cap = options.medianCapacity ?? 512;
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`FeatureSummary medianCapacity must be an integer ≥ 1, got ${cap}`);
    if (featureNames.length === 0) throw new RangeError("FeatureSummary needs at least one feature name");
    this.width = featureNames.length;
    this.names = Object.freeze(summaryNames(featureNames));
    this.medianCapacity = cap;
    this.summary = new Float64Array(this.width * STATS).fill(Number.NaN);
    this.count = new Float64Array(this.width);
    this.mean = new Float64Array(this.width);
    this.m2 = new Float64Array(this.width);
    this.min = new Float64Array(this.width);
    this.max = new Float64Array(this.width);
    this.ring = new Float64Array(cap * this.width);
    this.scratch = new Float64Array(cap);
    this.reset();
  }

  reset(): void {
    this.revolutions = 0;
    this.count.fill(0);
    this.mean.fill(0);
    this.m2.fill(0);
    this.min.fill(Number.POSITIVE_INFINITY);
    this.max.fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds one feature vector (length ≥ width; its first `width` values are read). */
  add(vec: Float64Array): void {
    const w = this.width;
    const row = (this.revolutions % this.medianCapacity) * w;
    for (let i = 0; i < w; i++) {
      const v = vec[i];
      this.ring[row + i] = v;
      if (v !== v) continue;
      const n = ++this.count[i];
      const d = v - this.mean[i];
      this.mean[i] += d / n;
      this.m2[i] += d * (v - this.mean[i]);
      if (v < this.min[i]) this.min[i] = v;
      if (v > this.max[i]) this.max[i] = v;
    }
    this.revolutions++;
  }

  /** Fills `summary`. */
  finish(): void {
    const w = this.width;
    const s = this.summary;
    const rows = this.revolutions < this.medianCapacity ? this.revolutions : this.medianCapacity;
    for (let i = 0; i < w; i++) {
      const o = i * STATS;
      const n = this.count[i];
      s[o + SummaryStat.N] = n;
      if (n === 0) {
        for (let k = 0; k < STATS - 1; k++) s[o + k] = Number.NaN;
        continue;
      }
      s[o + SummaryStat.MEAN] = this.mean[i];
      s[o + SummaryStat.STD] = n > 1 ? Math.sqrt(this.m2[i] / (n - 1)) : 0;
      s[o + SummaryStat.MIN] = this.min[i];
      s[o + SummaryStat.MAX] = this.max[i];
      let m = 0;
      for (let r = 0; r < rows; r++) {
        const v = this.ring[r * w + i];
        if (v === v) this.scratch[m++] = v;
      }
      this.medianInto(m, s, o + SummaryStat.MEDIAN);
    }
  }

  /** Median of scratch[0..m) into out[slot] (NaN for m = 0), by quickselect (reorders scratch). */
  private medianInto(m: number, out: Float64Array, slot: number): void {
    if (m === 0) {
      out[slot] = Number.NaN;
      return;
    }
    const a = this.scratch;
    const k = m >> 1;
    select(a, 0, m - 1, k);
    if (m % 2 === 1) {
      out[slot] = a[k];
      return;
    }
    // Lower middle: the largest of the part left of k (all ≤ a[k] after select).
    let lower = a[0];
    for (let i = 1; i < k; i++) if (a[i] > lower) lower = a[i];
    out[slot] = 0.5 * (lower + a[k]);
  }
}

/** Reorders a[lo..hi] so that a[k] is the value of rank k, smaller ones left, larger right (quickselect, middle pivot). */
export function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
