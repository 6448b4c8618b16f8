import { describe, expect, it } from "vitest";
import { choleskySolveInPlace } from "../../src/dsp/cholesky.ts";

describe("choleskySolveInPlace", () => {
  it("solves a symmetric positive-definite system", () => {
    // A = Mᵀ M + I for a fixed M; x known; b = A x.
    const m = 5;
    const M = Array.from({ length: m * m }, (_, i) => Math.sin(i + 1));
    const a = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < m; k++) s += M[k * m + i] * M[k * m + j];
        a[i * m + j] = s;
      }
    }
    const x = [1, -2, 3, 0.5, -0.25];
    const b = new Float64Array(m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) b[i] += a[i * m + j] * x[j];
    expect(choleskySolveInPlace(a, b, m)).toBe(true);
    for (let i = 0; i < m; i++) expect(b[i]).toBeCloseTo(x[i], 10);
  });

  it("refuses a singular or indefinite matrix", () => {
    expect(choleskySolveInPlace(Float64Array.of(1, 1, 1, 1), new Float64Array(2), 2)).toBe(false);
    expect(choleskySolveInPlace(Float64Array.of(1, 2, 2, 1), new Float64Array(2), 2)).toBe(false);
    expect(choleskySolveInPlace(new Float64Array(4), new Float64Array(2), 2)).toBe(false);
  });
});
