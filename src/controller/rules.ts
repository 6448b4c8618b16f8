// The stated rules the controller uses until a trained model exists (`source: "rule"`).
//
// Judder: the datasheet's trade limit says a disc on the car should show lateral runout (LRO)
// ≤ 50 µm; the rule flags a disc whose LRO before the cut reaches the limit. As a probability,
//     p = 1 / (1 + exp(−(lroPreUm − limitUm) / scaleUm))        (default limit 50 µm, scale 5 µm)
// a logistic in LRO: monotone (so its ranking, hence a ROC AUC, is that of LRO itself), 0.5 exactly
// at the limit, so with the default flag threshold 0.5 the flag is "LRO before the cut ≥ limit".
// No LRO before the cut (no compensated measure revolution) → p = null.
//
// Cut quality:
//   lroPostUm  the probe sits 10 mm inside the outer edge and the tool feeds inward from the edge
//              (tool 0 mm), so once the tool has passed 10 mm the probe reads the freshly cut face.
//              Estimate = median LRO of the last `lastRevs` (default 5) ok cut revolutions of the last
//              pass that start with the tool reported at ≥ probe radius + 1 mm; null if there are none.
//   raUm       null: there is no honest rule from vibration to Ra without calibration against
//              profilometer readings; that is the learner's job (the labels carry raUm).

export interface JudderRuleConfig {
  limitUm: number;
  scaleUm: number;
  threshold: number;
}
export const DEFAULT_JUDDER_RULE: JudderRuleConfig = { limitUm: 50, scaleUm: 5, threshold: 0.5 };

export function judderP(lroPreUm: number | null, c: JudderRuleConfig = DEFAULT_JUDDER_RULE): number | null {
  if (lroPreUm === null || !Number.isFinite(lroPreUm)) return null;
  return 1 / (1 + Math.exp(-(lroPreUm - c.limitUm) / c.scaleUm));
}

export interface CutQualityRuleConfig {
  /** Probe radius from the outer edge, mm (datasheet: 10). */
  probeMm: number;
  /** The tool must be this far past the probe's track, mm. */
  marginMm: number;
  /** Revolutions (the last ones of the pass) the median is taken over. */
  lastRevs: number;
}
export const DEFAULT_CUT_QUALITY_RULE: CutQualityRuleConfig = { probeMm: 10, marginMm: 1, lastRevs: 5 };

/** Median of values[0..n) (reorders them); null for n = 0. */
export function medianOf(values: Float64Array, n: number): number | null {
  if (n <= 0) return null;
  const a = values.subarray(0, n).sort();
  const m = n >> 1;
  return n % 2 === 1 ? a[m] : 0.5 * (a[m - 1] + a[m]);
}
