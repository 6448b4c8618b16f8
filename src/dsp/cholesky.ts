// In-place solve of a small symmetric positive-definite system A x = b (Cholesky, no pivoting).
// A is row-major m × m (only the lower triangle is read; it is overwritten by the factor L).

/** Relative pivot below which A counts as singular (too few or badly spread samples). */
const PIVOT_EPS = 1e-12;

/**
 * Factors a (row-major m × m) and solves a x = b in place: b becomes x. Returns false, leaving b
 * unusable, when a is not numerically positive definite. Allocation-free.
 */
export function choleskySolveInPlace(a: Float64Array, b: Float64Array, m: number): boolean {
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(a[i * m + i]));
  if (!(scale > 0)) return false;
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j];
    for (let k = 0; k < j; k++) d -= a[j * m + k] * a[j * m + k];
    if (!(d > PIVOT_EPS * scale)) return false;
    const l = Math.sqrt(d);
    a[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = s / l;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * m + k] * b[k];
    b[i] = s / a[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= a[k * m + i] * b[k];
    b[i] = s / a[i * m + i];
  }
  return true;
}
