// Phase-coherent order analysis of a cut: how much of the accelerometer's once-, twice-, … per
// revolution response follows the runout the probe measured, and what is left for the thickness.
//
// Physics (any twin-tip on-car lathe): the cutting force follows the depth of cut. The outboard
// tip's depth follows the face runout r(θ), the inboard one's the thickness t(θ) minus it, so the
// tangential force (sum of both) follows t(θ) and the axial force (difference) r(θ) and t(θ). All of
// it scales with one unknown per-car gain (mount stiffness). The probe measures r(θ), so the axial
// response that is coherent with r calibrates the gain for this car, and the tangential response
// divided by that gain is the thickness profile: an estimate of DTV in µm (up to one fleet-wide
// constant, the ratio of the tangential to the axial gain, which the learner absorbs).
//
// Inputs are per-revolution phasors (phasor-layout.ts: c_k, s_k of orders 1..N, angle from the
// INDEX mark), averaged coherently:
//   reference  the probe over revolutions showing the face being cut (µm)
//   baseline   each axis without cutting (measure revolutions: spindle imbalance, gear, mount) (g)
//   response   each axis while the tool cuts that same face (g)
// D_a,k = response − baseline (the cut's own part). Per order k, R_k the reference; then
//   axial fit     D_z = α R + γ D_y  (real least squares over orders and c/s): α = the gain ĝ
//                 (g per µm of runout), γ the thickness loading of the axial axis
//   radial fit    D_x = α_x R + γ_x D_y, reported relative (α_x / |α|, γ_x)
//   thickness     T̂_k = D_y,k / |α| (µm-equivalent), DTV̂ = max − min of Σ T̂_k over a turn
//   ratios        conj(R_1) D_a,1 / |R_1|² per axis (the raw complex transfer at order 1)
//   gain SE       σ / √(Σ|R|²), σ² the variance of the mean axial response per coefficient (cut and
//                 measure revolution scatter): how far GAIN can be trusted (small runout: not far)
// Results in `result`, slots named by CoherenceResult; NaN when a part had no revolution.
// Pure and allocation-free after construction (sums in typed arrays; read results from `result`).
import { PHASOR_ORDERS } from "./phasor-layout.ts";

export const CoherenceResult = {
  /** ĝ: axial response per µm of runout (g/µm, signed). */
  GAIN: 0,
  /** Quadrature of the axial response to the runout, relative to GAIN (0 = in phase). */
  GAIN_QUAD: 1,
  /** γ: axial response per unit of tangential response. */
  AXIAL_THICK: 2,
  /** α_x / |α| and γ_x of the radial axis. */
  RADIAL_RUNOUT: 3,
  RADIAL_THICK: 4,
  /** Peak-to-peak of the thickness profile estimate, µm-equivalent (tangential ÷ |ĝ|). */
  DTV: 5,
  /** Peak-to-peak of the tangential cut response itself, g (no calibration). */
  TANGENTIAL_P2P: 6,
  /** |T̂_k| for k = 1..4 (µm-equivalent). */
  T1: 7,
  /** Unexplained fraction of the axial cut response (residual energy ÷ energy). */
  AXIAL_RESIDUAL: 11,
  /** Σ_k |R_k|² of the reference, µm². */
  REFERENCE_POWER: 12,
  /** Order-1 transfer conj(R_1) D_a,1 / |R_1|² per axis x, y, z: real, imaginary (g/µm). */
  RATIO1: 13,
  /** Revolutions in the reference, baseline and response. */
  REFERENCE_REVS: 19,
  BASELINE_REVS: 20,
  RESPONSE_REVS: 21,
  /** Standard error of GAIN from the revolution-to-revolution scatter of the axial response and
   *  of the baseline (g/µm); NaN with fewer than 2 response revolutions. */
  GAIN_SE: 22,
} as const;
export const COHERENCE_SLOTS = 23;

const AXES = 3;
const X = 0;
const Y = 1;
const Z = 2;
const TWO_PI = 2 * Math.PI;

export class OrderCoherence {
  readonly orders: number;
  readonly result = new Float64Array(COHERENCE_SLOTS).fill(Number.NaN);
  /** Mean reference and per-axis cut response (response − baseline) after finish(): [c1, s1, …]. */
  readonly reference: Float64Array;
  readonly response: Float64Array[];
  private readonly refSum: Float64Array;
  private readonly baseSum: Float64Array[];
  private readonly respSum: Float64Array[];
  /** Σ of squares of the axial coefficients: [response, baseline]. */
  private readonly axialSq = new Float64Array(2);
  /** [reference, baseline, response] revolutions. */
  private readonly n = new Float64Array(3);
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;
  private readonly grid: number;
  /** Fit scratch: [α, γ] of the last fit. */
  private readonly fit = new Float64Array(3);

  /** orders: 1..PHASOR_ORDERS; grid: angles the thickness profile is evaluated on (≥ 16 × orders). */
  constructor(orders = PHASOR_ORDERS, grid = 96) {
    if (!Number.isInteger(orders) || orders < 1 || orders > 16) throw new RangeError(`OrderCoherence orders must be an integer in 1..16, got ${orders}`);
    if (!Number.isInteger(grid) || grid < 16 * orders) throw new RangeError(`OrderCoherence grid must be an integer ≥ 16 × orders, got ${grid}`);
    this.orders = orders;
    this.grid = grid;
    const w = 2 * orders;
    this.refSum = new Float64Array(w);
    this.reference = new Float64Array(w);
    this.baseSum = [0, 1, 2].map(() => new Float64Array(w));
    this.respSum = [0, 1, 2].map(() => new Float64Array(w));
    this.response = [0, 1, 2].map(() => new Float64Array(w));
    this.cosT = new Float64Array(grid * orders);
    this.sinT = new Float64Array(grid * orders);
    for (let g = 0; g < grid; g++) {
      for (let k = 1; k <= orders; k++) {
        this.cosT[g * orders + k - 1] = Math.cos((TWO_PI * k * g) / grid);
        this.sinT[g * orders + k - 1] = Math.sin((TWO_PI * k * g) / grid);
      }
    }
  }

  reset(): void {
    this.refSum.fill(0);
    for (let a = 0; a < AXES; a++) {
      this.baseSum[a].fill(0);
      this.respSum[a].fill(0);
    }
    this.axialSq.fill(0);
    this.n.fill(0);
  }

  /** One revolution of the probe: row[offset …] = c1, s1, …, cN, sN (µm). Skipped when any is NaN. */
  addReference(row: ArrayLike<number>, offset: number): void {
    if (this.accumulate(row, offset, this.refSum)) this.n[0]++;
  }

  /** One revolution of the three axes without cutting: row[offset …] = x block, y block, z block,
   *  each c1, s1, …, cN, sN (g), blocks `stride` apart. Skipped when any value is NaN. */
  addBaseline(row: ArrayLike<number>, offset: number, stride: number): void {
    if (this.finiteAxes(row, offset, stride)) {
      for (let a = 0; a < AXES; a++) this.accumulate(row, offset + a * stride, this.baseSum[a]);
      this.axialSq[1] += this.squares(row, offset + Z * stride);
      this.n[1]++;
    }
  }

  /** One revolution of the three axes while cutting the reference's face (as addBaseline). */
  addResponse(row: ArrayLike<number>, offset: number, stride: number): void {
    if (this.finiteAxes(row, offset, stride)) {
      for (let a = 0; a < AXES; a++) this.accumulate(row, offset + a * stride, this.respSum[a]);
      this.axialSq[0] += this.squares(row, offset + Z * stride);
      this.n[2]++;
    }
  }

  get referenceRevolutions(): number {
    return this.n[0];
  }
  get responseRevolutions(): number {
    return this.n[2];
  }

  private accumulate(row: ArrayLike<number>, offset: number, sum: Float64Array): boolean {
    const w = sum.length;
    for (let i = 0; i < w; i++) {
      const v = row[offset + i];
      if (v !== v) return false;
    }
    for (let i = 0; i < w; i++) sum[i] += row[offset + i];
    return true;
  }

  private squares(row: ArrayLike<number>, offset: number): number {
    let s = 0;
    for (let i = 0; i < 2 * this.orders; i++) s += row[offset + i] * row[offset + i];
    return s;
  }

  /** Variance of the mean of one coefficient from Σx² and the sums (pooled over coefficients). */
  private meanVariance(sq: number, sum: Float64Array, n: number): number {
    if (n < 2) return Number.NaN;
    let m2 = 0;
    for (let i = 0; i < sum.length; i++) m2 += (sum[i] * sum[i]) / n;
    return (sq - m2) / ((n - 1) * sum.length) / n;
  }

  private finiteAxes(row: ArrayLike<number>, offset: number, stride: number): boolean {
    const w = 2 * this.orders;
    for (let a = 0; a < AXES; a++) {
      for (let i = 0; i < w; i++) {
        const v = row[offset + a * stride + i];
        if (v !== v) return false;
      }
    }
    return true;
  }

  /** Computes `result` from what was added since reset(). Returns false (result NaN) without a
   *  reference or response revolution. */
  finish(): boolean {
    const r = this.result;
    r.fill(Number.NaN);
    const n = this.n;
    r[CoherenceResult.REFERENCE_REVS] = n[0];
    r[CoherenceResult.BASELINE_REVS] = n[1];
    r[CoherenceResult.RESPONSE_REVS] = n[2];
    if (n[0] === 0 || n[2] === 0) return false;
    const w = 2 * this.orders;
    const R = this.reference;
    for (let i = 0; i < w; i++) R[i] = this.refSum[i] / n[0];
    for (let a = 0; a < AXES; a++) {
      const d = this.response[a];
      for (let i = 0; i < w; i++) d[i] = this.respSum[a][i] / n[2] - (n[1] > 0 ? this.baseSum[a][i] / n[1] : 0);
    }
    let rr = 0;
    for (let i = 0; i < w; i++) rr += R[i] * R[i];
    r[CoherenceResult.REFERENCE_POWER] = rr;
    const Dy = this.response[Y];
    // Axial: D_z = α R + γ D_y.
    this.fit2(this.response[Z], Dy);
    const alpha = this.fit[0];
    const gamma = this.fit[1];
    r[CoherenceResult.GAIN] = alpha;
    r[CoherenceResult.AXIAL_THICK] = gamma;
    let res = 0;
    let zz = 0;
    let quad = 0;
    const Dz = this.response[Z];
    for (let i = 0; i < w; i++) {
      const e = Dz[i] - alpha * R[i] - gamma * Dy[i];
      res += e * e;
      zz += Dz[i] * Dz[i];
    }
    // Quadrature: Σ_k (R_c D_s − R_s D_c) of the runout-coherent part, relative to Σ |R|² α.
    for (let k = 0; k < this.orders; k++) {
      const ec = Dz[2 * k] - gamma * Dy[2 * k];
      const es = Dz[2 * k + 1] - gamma * Dy[2 * k + 1];
      quad += R[2 * k] * es - R[2 * k + 1] * ec;
    }
    r[CoherenceResult.GAIN_QUAD] = rr > 0 && alpha !== 0 ? quad / (rr * alpha) : Number.NaN;
    r[CoherenceResult.AXIAL_RESIDUAL] = zz > 0 ? res / zz : Number.NaN;
    const vResp = this.meanVariance(this.axialSq[0], this.respSum[Z], n[2]);
    const vBase = n[1] >= 2 ? this.meanVariance(this.axialSq[1], this.baseSum[Z], n[1]) : 0;
    r[CoherenceResult.GAIN_SE] = rr > 0 ? Math.sqrt((vResp + vBase) / rr) : Number.NaN;
    const absAlpha = alpha < 0 ? -alpha : alpha;
    this.fit2(this.response[X], Dy);
    r[CoherenceResult.RADIAL_RUNOUT] = absAlpha > 0 ? this.fit[0] / absAlpha : Number.NaN;
    r[CoherenceResult.RADIAL_THICK] = this.fit[1];
    // Thickness profile: tangential ÷ |ĝ| on the angle grid.
    const K = this.orders;
    let lo = Infinity;
    let hi = -Infinity;
    for (let g = 0; g < this.grid; g++) {
      let v = 0;
      for (let k = 0; k < K; k++) v += Dy[2 * k] * this.cosT[g * K + k] + Dy[2 * k + 1] * this.sinT[g * K + k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    r[CoherenceResult.TANGENTIAL_P2P] = hi - lo;
    r[CoherenceResult.DTV] = absAlpha > 0 ? (hi - lo) / absAlpha : Number.NaN;
    for (let k = 0; k < 4; k++) {
      r[CoherenceResult.T1 + k] = k < K && absAlpha > 0 ? Math.sqrt(Dy[2 * k] * Dy[2 * k] + Dy[2 * k + 1] * Dy[2 * k + 1]) / absAlpha : Number.NaN;
    }
    const r1 = R[0] * R[0] + R[1] * R[1];
    for (let a = 0; a < AXES; a++) {
      const d = this.response[a];
      r[CoherenceResult.RATIO1 + 2 * a] = r1 > 0 ? (R[0] * d[0] + R[1] * d[1]) / r1 : Number.NaN;
      r[CoherenceResult.RATIO1 + 2 * a + 1] = r1 > 0 ? (R[0] * d[1] - R[1] * d[0]) / r1 : Number.NaN;
    }
    return true;
  }

  /** fit[0..1] ← real least squares target ≈ α R + γ u over all orders' c and s; γ = 0 when u
   *  carries nothing independent of R. */
  private fit2(target: Float64Array, u: Float64Array): void {
    const R = this.reference;
    const w = 2 * this.orders;
    let rr = 0;
    let ru = 0;
    let uu = 0;
    let rt = 0;
    let ut = 0;
    for (let i = 0; i < w; i++) {
      rr += R[i] * R[i];
      ru += R[i] * u[i];
      uu += u[i] * u[i];
      rt += R[i] * target[i];
      ut += u[i] * target[i];
    }
    const det = rr * uu - ru * ru;
    if (rr > 0 && uu > 0 && det > 1e-6 * rr * uu) {
      this.fit[0] = (uu * rt - ru * ut) / det;
      this.fit[1] = (rr * ut - ru * rt) / det;
    } else {
      this.fit[0] = rr > 0 ? rt / rr : Number.NaN;
      this.fit[1] = 0;
    }
  }
}
