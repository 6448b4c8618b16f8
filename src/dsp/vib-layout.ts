// The named layout of the per-revolution vibration feature vector (VibFeatures.features).
//
//   0  rpm            60e6 / period
//   1  samples        VIB samples inside the revolution (t in [start, start + period))
//   2  coverage       samples / (period × sample rate): 1 for a gap-free revolution
//   then one block per axis a ∈ x (radial), y (tangential), z (axial), in that order:
//      a_mean_g       mean acceleration (g; mostly gravity)
//      a_rms_g        RMS about the mean (g)
//      a_crest        max |x − mean| / rms
//      a_kurtosis     plain (Pearson) kurtosis: 3 for Gaussian noise
//      a_saturated    samples of this axis left out as saturated (raw 32767 / −32768)
//      a_order1_g … a_orderN_g   amplitude (peak, g) of rotation orders 1..N in this revolution,
//                     from its angle grid (the phase's synchronous average is SyncAverage)
//      a_band_<name>_g2          mean-square acceleration (g²) in each band (band-spectrum.ts)
//      a_subrev_g2    sub-revolution vibration (g²): the change of the revolution's low-order
//                     profile (mean + orders 1..N) since the previous contiguous revolution, as a
//                     power ÷ 4, which reads A²/2 (within ~5 %) for a sinusoid of amplitude A at half
//                     the rotation frequency and 0 for anything synchronous; NaN for the first
//                     revolution after a gap or breakContinuity().
// With the defaults (8 orders, 4 bands) the vector has 3 + 3 × 18 = 57 slots (FEATURE_NAMES).
// A slot is NaN when its input was unusable (e.g. too few samples).

import { DEFAULT_BANDS, type Band } from "./band-spectrum.ts";

export const AXES = ["x", "y", "z"] as const;

export const Feature = { RPM: 0, SAMPLES: 1, COVERAGE: 2 } as const;
/** Index of the first axis block. */
export const AXIS_BASE = 3;
/** Offsets inside an axis block; orders start at AxisSlot.ORDERS, then bands, then subrev. */
export const AxisSlot = { MEAN: 0, RMS: 1, CREST: 2, KURTOSIS: 3, SATURATED: 4, ORDERS: 5 } as const;

export function axisBlockSize(orders: number, bands: number): number {
  return AxisSlot.ORDERS + orders + bands + 1;
}

/** Names of the feature vector's slots for N orders and these bands, in layout order. */
export function vibFeatureNames(orders: number, bands: readonly Band[]): string[] {
  const names = ["rpm", "samples", "coverage"];
  for (const a of AXES) {
    names.push(`${a}_mean_g`, `${a}_rms_g`, `${a}_crest`, `${a}_kurtosis`, `${a}_saturated`);
    for (let k = 1; k <= orders; k++) names.push(`${a}_order${k}_g`);
    for (const b of bands) names.push(`${a}_band_${b.name}_g2`);
    names.push(`${a}_subrev_g2`);
  }
  return names;
}

/** The layout with the default options (8 orders, DEFAULT_BANDS). */
export const FEATURE_NAMES: readonly string[] = Object.freeze(vibFeatureNames(8, DEFAULT_BANDS));
