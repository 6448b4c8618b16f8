// Scores of the evaluation. Pairs with a NaN score or label are left out everywhere.

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted as half; NaN without both classes. */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] === scores[i] && labels[i] === labels[i]) idx.push(i);
  idx.sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let k = 0; k < idx.length; ) {
    let e = k;
    while (e + 1 < idx.length && scores[idx[e + 1]] === scores[idx[k]]) e++;
    const rank = (k + e) / 2 + 1;
    for (let j = k; j <= e; j++) if (labels[idx[j]] > 0.5) {
      pos++;
      rankSum += rank;
    }
    k = e + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface BinaryScores {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy, precision, recall and F1 of flags score ≥ threshold. */
export function binaryScores(scores: readonly number[], labels: readonly number[], threshold: number): BinaryScores {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    const l = labels[i];
    if (s !== s || l !== l) continue;
    const flag = s >= threshold;
    if (l > 0.5) flag ? tp++ : fn++;
    else flag ? fp++ : tn++;
  }
  const n = tp + fp + tn + fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
  return { n, accuracy: n > 0 ? (tp + tn) / n : Number.NaN, precision, recall, f1: tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0 };
}

/** Mean absolute error and the number of pairs. */
export function mae(estimates: readonly number[], targets: readonly number[]): { mae: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < estimates.length; i++) {
    const e = estimates[i];
    const t = targets[i];
    if (e !== e || t !== t) continue;
    sum += Math.abs(e - t);
    n++;
  }
  return { mae: n > 0 ? sum / n : Number.NaN, n };
}
