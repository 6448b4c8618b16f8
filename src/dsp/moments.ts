// Amplitude statistics of one axis over a revolution, from values with NaN marking excluded samples.
//
// All about the mean (the accelerometer's DC is gravity, not vibration):
//   rms      = √(mean (x − x̄)²)                     (population, divide by n)
//   crest    = max |x − x̄| / rms
//   kurtosis = mean (x − x̄)⁴ / (mean (x − x̄)²)²     PLAIN (Pearson) kurtosis: 3 for Gaussian
//                                                  noise, 1.5 for a sinusoid; impulses raise it.
// With fewer than 2 samples, or zero spread, rms is 0 or NaN and crest and kurtosis are NaN.

/** Slots written by axisMoments at out[offset + slot]. */
export const Moment = {
  MEAN: 0,
  RMS: 1,
  CREST: 2,
  KURTOSIS: 3,
  /** Samples used (finite values). */
  USED: 4,
} as const;
export const MOMENT_SLOTS = 5;

export function axisMoments(values: Float64Array, n: number, out: Float64Array, offset: number): void {
  let used = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === v) {
      sum += v;
      used++;
    }
  }
  out[offset + Moment.USED] = used;
  if (used < 2) {
    out[offset + Moment.MEAN] = used === 1 ? sum : Number.NaN;
    out[offset + Moment.RMS] = Number.NaN;
    out[offset + Moment.CREST] = Number.NaN;
    out[offset + Moment.KURTOSIS] = Number.NaN;
    return;
  }
  const mean = sum / used;
  let m2 = 0;
  let m4 = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) continue;
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
    const a = d < 0 ? -d : d;
    if (a > peak) peak = a;
  }
  m2 /= used;
  m4 /= used;
  const rms = Math.sqrt(m2);
  out[offset + Moment.MEAN] = mean;
  out[offset + Moment.RMS] = rms;
  out[offset + Moment.CREST] = rms > 0 ? peak / rms : Number.NaN;
  out[offset + Moment.KURTOSIS] = m2 > 0 ? m4 / (m2 * m2) : Number.NaN;
}
