// The probe's recent revolutions as one least-squares model, for NonSyncLine (a non-synchronous line
// such as a loose adapter's rattle). Over a window of revolutions
//   y(t) = Σ_{k=2..K} (a_k cos kθ + b_k sin kθ)                       the face: rigid over the window
//        + c_j + (p_j + τ p'_j) cos θ + (q_j + τ q'_j) sin θ + τ c'_j  revolution j's own mean and 1st
//                                                                      order, drifting across it (τ)
//        [+ a cos ω(t − t₀) + b sin ω(t − t₀)]                         a line, when one is tried
// Mounting effects (a wobbling adapter, the lathe's misalignment and its compensation) tilt or shift
// the rotation axis: they are 1st order and mean, and may change from one revolution to the next;
// orders 2..K are the face's geometry. Each revolution's own terms are eliminated (Schur complement
// of the block-arrow normal equations), leaving a (2K − 2)-square face system, (2K)-square with a line.
//
// Samples are only copied when added; a revolution's normal equations are built the first time a
// window needs them (prepare()), so revolutions without a line to look for cost a copy.
// Allocation-free after construction.

import { choleskySolveInPlace } from "./cholesky.ts";

const TWO_PI = 2 * Math.PI;
/** Revolution slot fields. STATE: 0 unusable, 1 usable, 2 samples only (normals not built yet). */
const R_START = 0;
const R_PERIOD = 1;
const R_FROM = 2;
const R_TO = 3;
const R_STATE = 4;
const R_RSS = 5;
const R_SUMSQ = 6;
const R_WIDTH = 7;
/** A revolution's own terms: 1, cos θ, sin θ, τ, τ cos θ, τ sin θ. */
const L = 6;

export class NonSyncWindow {
  readonly orders: number;
  readonly maxRevs: number;
  /** Samples kept (ring). */
  readonly cap: number;
  /** Basis per sample: [1, c1, s1, c2, s2, …, cK, sK, τ, τ c1, τ s1] (m); h face terms, g = h + 2. */
  readonly m: number;
  readonly h: number;
  readonly g: number;
  /** [samples written, revolutions written, first revolution of the current segment, end of the window µs] */
  readonly st = new Float64Array(4);
  /** Line fit at the last ω tried: [a, b, energy the line adds over the face alone] with t₀ = win[1]. */
  readonly fit = new Float64Array(3);
  /** Face coefficients (orders 2..K: a2, b2, …) over the window, after sumFace(). */
  readonly face: Float64Array;
  /** Window: [first revolution number, t₀ µs (the newest revolution's start), explained by the face alone]. */
  readonly win = new Float64Array(3);
  private readonly ts: Float64Array;
  private readonly ys: Float64Array;
  private readonly phis: Float64Array;
  private readonly revs: Float64Array;
  private readonly normal: Float64Array;
  private readonly rhs: Float64Array;
  /** Per slot: inverse of its own-terms block (L × L), W = inv · B_LH (L × h), w = inv · b_L (L). */
  private readonly invL: Float64Array;
  private readonly wLH: Float64Array;
  private readonly wL: Float64Array;
  /** Per slot: its reduced face block C_HH − B_LHᵀ W (h × h) and face rhs d_H − B_LHᵀ w (h). */
  private readonly redHH: Float64Array;
  private readonly redH: Float64Array;
  private readonly sumHH: Float64Array;
  private readonly sumH: Float64Array;
  private readonly phi: Float64Array;
  private readonly work: Float64Array;
  private readonly x: Float64Array;
  private readonly sys: Float64Array;
  private readonly sol: Float64Array;
  private readonly bu: Float64Array;
  private readonly bv: Float64Array;
  private readonly hu: Float64Array;
  private readonly hv: Float64Array;
  private readonly own: Float64Array;

  constructor(orders: number, maxRevs: number, maxSamples: number) {
    this.orders = orders;
    this.maxRevs = maxRevs;
    this.cap = maxSamples;
    const m = (this.m = 2 * orders + 4);
    const h = (this.h = 2 * orders - 2);
    const g = (this.g = h + 2);
    const R = maxRevs;
    this.ts = new Float64Array(maxSamples);
    this.ys = new Float64Array(maxSamples);
    this.phis = new Float64Array(maxSamples * m);
    this.revs = new Float64Array(R * R_WIDTH);
    this.normal = new Float64Array(m * m);
    this.rhs = new Float64Array(m);
    this.invL = new Float64Array(R * L * L);
    this.wLH = new Float64Array(R * L * h);
    this.wL = new Float64Array(R * L);
    this.redHH = new Float64Array(R * h * h);
    this.redH = new Float64Array(R * h);
    this.sumHH = new Float64Array(h * h);
    this.sumH = new Float64Array(h);
    this.face = new Float64Array(h);
    this.phi = new Float64Array(m);
    this.work = new Float64Array(m * m);
    this.x = new Float64Array(m);
    this.sys = new Float64Array(g * g);
    this.sol = new Float64Array(g);
    this.bu = new Float64Array(m);
    this.bv = new Float64Array(m);
    this.hu = new Float64Array(h);
    this.hv = new Float64Array(h);
    this.own = new Float64Array(L);
  }

  reset(): void {
    this.st.fill(0);
  }

  /** The next revolution starts a segment (segmentStart()); the window is not affected. */
  markSegment(): void {
    this.st[2] = this.st[1];
  }

  /** The first revolution of the window that is in the current segment. */
  segmentStart(): number {
    return Math.max(this.win[0], this.st[2]);
  }

  begin(startUs: number, periodUs: number): void {
    const r = (this.st[1] % this.maxRevs) * R_WIDTH;
    this.revs[r + R_START] = startUs;
    this.revs[r + R_PERIOD] = periodUs;
    this.revs[r + R_FROM] = this.st[0];
    this.revs[r + R_TO] = this.st[0];
    this.revs[r + R_STATE] = 0;
    this.revs[r + R_SUMSQ] = 0;
  }

  /** Copies samples as RunoutFit.add takes them (same arguments, same exclusions). */
  add(times: Float64Array, values: ArrayLike<number>, flags: Uint8Array | null, flagMask: number, from: number, to: number, scale: number): void {
    const r = (this.st[1] % this.maxRevs) * R_WIDTH;
    const start = this.revs[r + R_START];
    const period = this.revs[r + R_PERIOD];
    const cap = times.length;
    let sumSq = 0;
    let n = this.st[0];
    for (let i = from; i < to; i++) {
      const slot = i % cap;
      const dt = times[slot] - start;
      if (!(dt >= 0 && dt < period) || (flags !== null && (flags[slot] & flagMask) !== 0)) continue;
      const y = values[slot] * scale;
      const w = n % this.cap;
      this.ts[w] = times[slot];
      this.ys[w] = y;
      sumSq += y * y;
      n++;
    }
    this.st[0] = n;
    this.revs[r + R_TO] = n;
    this.revs[r + R_SUMSQ] += sumSq;
  }

  /** Closes the revolution (usable: enough samples and `usable`) and selects the window back from it
   *  within windowUs; returns the revolutions in the window. */
  finish(usable: boolean, windowUs: number): number {
    const r = (this.st[1] % this.maxRevs) * R_WIDTH;
    this.revs[r + R_STATE] = usable && this.revs[r + R_TO] - this.revs[r + R_FROM] >= 3 * this.m ? 2 : 0;
    this.st[1]++;
    const end = this.revs[r + R_START] + this.revs[r + R_PERIOD];
    const oldestSample = this.st[0] - this.cap;
    let first = this.st[1] - 1;
    while (first - 1 >= 0 && this.st[1] - first < this.maxRevs) {
      const p = ((first - 1) % this.maxRevs) * R_WIDTH;
      if (this.revs[p + R_START] < end - windowUs || this.revs[p + R_FROM] < oldestSample) break;
      first--;
    }
    this.win[0] = first;
    this.win[1] = this.revs[r + R_START];
    this.st[3] = end;
    return this.st[1] - first;
  }

  /** Whether revolution number j (of the window) is usable. */
  usable(j: number): boolean {
    return this.revs[(j % this.maxRevs) * R_WIDTH + R_STATE] !== 0;
  }

  /** Start and period of revolution number j, µs. */
  startOf(j: number): number {
    return this.revs[(j % this.maxRevs) * R_WIDTH + R_START];
  }
  periodOf(j: number): number {
    return this.revs[(j % this.maxRevs) * R_WIDTH + R_PERIOD];
  }

  /** Builds the window's revolutions' reduced systems where not built yet, sums them and solves the
   *  face alone (face, win[2]). */
  prepare(): void {
    const h = this.h;
    this.sumHH.fill(0);
    this.sumH.fill(0);
    for (let j = this.win[0]; j < this.st[1]; j++) {
      const slot = j % this.maxRevs;
      const p = slot * R_WIDTH;
      if (this.revs[p + R_STATE] === 2) this.revs[p + R_STATE] = this.reduce(slot) ? 1 : 0;
      if (this.revs[p + R_STATE] !== 1) continue;
      for (let i = 0; i < h * h; i++) this.sumHH[i] += this.redHH[slot * h * h + i];
      for (let k = 0; k < h; k++) this.sumH[k] += this.redH[slot * h + k];
    }
    for (let i = 0; i < h * h; i++) this.work[i] = this.sumHH[i];
    for (let k = 0; k < h; k++) this.face[k] = this.sumH[k];
    let e = 0;
    if (choleskySolveInPlace(this.work, this.face, h)) for (let k = 0; k < h; k++) e += this.face[k] * this.sumH[k];
    else this.face.fill(0);
    this.win[2] = e;
  }

  /** The residual variance about each revolution's own full fit over the window (after prepare()). */
  noiseVariance(): number {
    let rss = 0;
    let dof = 0;
    for (let j = this.win[0]; j < this.st[1]; j++) {
      const p = (j % this.maxRevs) * R_WIDTH;
      if (this.revs[p + R_STATE] !== 1) continue;
      rss += this.revs[p + R_RSS];
      dof += this.revs[p + R_TO] - this.revs[p + R_FROM] - this.m;
    }
    return dof > 0 ? rss / dof : 0;
  }

  /**
   * Sums the residual about the face-only model (after prepare()) into bins of binUs from t₀Bins:
   * bins[b] = Σ residuals of the samples in bin b. Returns the number of bins used (≤ bins.length;
   * later samples are left out).
   */
  binResidual(bins: Float64Array, t0Bins: number, binUs: number): number {
    const { m, h } = this;
    bins.fill(0);
    let used = 0;
    for (let j = this.win[0]; j < this.st[1]; j++) {
      const slot = j % this.maxRevs;
      const p = slot * R_WIDTH;
      if (this.revs[p + R_STATE] !== 1) continue;
      // The revolution's own terms given the face: w − W · face.
      for (let a = 0; a < L; a++) {
        let s = this.wL[slot * L + a];
        for (let k = 0; k < h; k++) s -= this.wLH[(slot * L + a) * h + k] * this.face[k];
        this.own[a] = s;
      }
      for (let i = this.revs[p + R_FROM]; i < this.revs[p + R_TO]; i++) {
        const s = i % this.cap;
        const b = Math.floor((this.ts[s] - t0Bins) / binUs);
        if (b < 0 || b >= bins.length) continue;
        const pb = s * m;
        let model = 0;
        for (let a = 0; a < L; a++) model += this.own[a] * this.phis[pb + this.ownIndex(a)];
        for (let k = 0; k < h; k++) model += this.face[k] * this.phis[pb + 3 + k];
        bins[b] += this.ys[s] - model;
        if (b + 1 > used) used = b + 1;
      }
    }
    return used;
  }

  /** Revolution slot: its normal equations from its samples, its own full fit's RSS, and its own
   *  terms eliminated (false if singular). */
  private reduce(slot: number): boolean {
    const { m, h } = this;
    const p = slot * R_WIDTH;
    const start = this.revs[p + R_START];
    const period = this.revs[p + R_PERIOD];
    const nrm = this.normal;
    const rhs = this.rhs;
    const phi = this.phi;
    nrm.fill(0);
    rhs.fill(0);
    for (let i = this.revs[p + R_FROM]; i < this.revs[p + R_TO]; i++) {
      const s = i % this.cap;
      const dt = this.ts[s] - start;
      this.basis((TWO_PI * dt) / period, dt / period - 0.5);
      const y = this.ys[s];
      const pb = s * m;
      for (let a = 0; a < m; a++) {
        const pa = phi[a];
        this.phis[pb + a] = pa;
        rhs[a] += pa * y;
        const row = a * m;
        for (let c = 0; c <= a; c++) nrm[row + c] += pa * phi[c];
      }
    }
    // Its own full fit (face + own terms): the residual variance for the detection threshold.
    for (let i = 0; i < m * m; i++) this.work[i] = nrm[i];
    for (let a = 0; a < m; a++) this.x[a] = rhs[a];
    if (!choleskySolveInPlace(this.work, this.x, m)) return false;
    let explained = 0;
    for (let a = 0; a < m; a++) explained += this.x[a] * rhs[a];
    this.revs[p + R_RSS] = Math.max(0, this.revs[p + R_SUMSQ] - explained);
    // inv of the own-terms block, column by column.
    const inv = this.invL;
    const ib = slot * L * L;
    for (let col = 0; col < L; col++) {
      for (let a = 0; a < L; a++) for (let c = 0; c <= a; c++) this.work[a * L + c] = this.at(this.ownIndex(a), this.ownIndex(c));
      this.x.fill(0);
      this.x[col] = 1;
      if (!choleskySolveInPlace(this.work, this.x, L)) return false;
      for (let a = 0; a < L; a++) inv[ib + a * L + col] = this.x[a];
    }
    // W = inv · B_LH, w = inv · b_L.
    const wb = slot * L * h;
    for (let a = 0; a < L; a++) {
      let wa = 0;
      for (let c = 0; c < L; c++) wa += inv[ib + a * L + c] * rhs[this.ownIndex(c)];
      this.wL[slot * L + a] = wa;
      for (let k = 0; k < h; k++) {
        let s = 0;
        for (let c = 0; c < L; c++) s += inv[ib + a * L + c] * this.at(this.ownIndex(c), 3 + k);
        this.wLH[wb + a * h + k] = s;
      }
    }
    // Reduced face block and rhs.
    const hb = slot * h * h;
    for (let k = 0; k < h; k++) {
      let sr = rhs[3 + k];
      for (let a = 0; a < L; a++) sr -= this.at(this.ownIndex(a), 3 + k) * this.wL[slot * L + a];
      this.redH[slot * h + k] = sr;
      for (let l = 0; l < h; l++) {
        let s = this.at(3 + k, 3 + l);
        for (let a = 0; a < L; a++) s -= this.at(this.ownIndex(a), 3 + k) * this.wLH[wb + a * h + l];
        this.redHH[hb + k * h + l] = s;
      }
    }
    return true;
  }

  /** Index in the basis of own term a (0..5): 1, c1, s1, τ, τ c1, τ s1. */
  private ownIndex(a: number): number {
    return a < 3 ? a : 2 * this.orders + a - 2;
  }

  /** Element (i, j) of the symmetric normal matrix (only the lower triangle is kept). */
  private at(i: number, j: number): number {
    return i >= j ? this.normal[i * this.m + j] : this.normal[j * this.m + i];
  }

  /** Fits face + line at ω (rad/µs) over the window (after prepare()): fit = [a, b, energy the line adds]. */
  solveLine(omega: number): void {
    const { m, h, g } = this;
    const bu = this.bu;
    const bv = this.bv;
    const hu = this.hu;
    const hv = this.hv;
    const t0 = this.win[1];
    hu.fill(0);
    hv.fill(0);
    let guu = 0;
    let guv = 0;
    let gvv = 0;
    let ru = 0;
    let rv = 0;
    for (let j = this.win[0]; j < this.st[1]; j++) {
      const slot = j % this.maxRevs;
      const p = slot * R_WIDTH;
      if (this.revs[p + R_STATE] !== 1) continue;
      bu.fill(0);
      bv.fill(0);
      let cuu = 0;
      let cuv = 0;
      let cvv = 0;
      let du = 0;
      let dv = 0;
      const from = this.revs[p + R_FROM];
      const to = this.revs[p + R_TO];
      let prevT = this.ts[from % this.cap];
      let u = Math.cos(omega * (prevT - t0));
      let v = Math.sin(omega * (prevT - t0));
      let lastDt = -1;
      let rc = 1;
      let rs = 0;
      for (let i = from; i < to; i++) {
        const s = i % this.cap;
        const t = this.ts[s];
        if (i > from) {
          // Rotate by ω dt (recomputed only when the spacing changes).
          const dt = t - prevT;
          if (dt !== lastDt) {
            rc = Math.cos(omega * dt);
            rs = Math.sin(omega * dt);
            lastDt = dt;
          }
          const nu = u * rc - v * rs;
          v = v * rc + u * rs;
          u = nu;
          prevT = t;
        }
        const y = this.ys[s];
        const pb = s * m;
        for (let a = 0; a < m; a++) {
          const ph = this.phis[pb + a];
          bu[a] += ph * u;
          bv[a] += ph * v;
        }
        cuu += u * u;
        cuv += u * v;
        cvv += v * v;
        du += u * y;
        dv += v * y;
      }
      // Eliminate the revolution's own terms: subtract B_Lᵀ inv (…) from the line's rows.
      const ib = slot * L * L;
      const wb = slot * L * h;
      for (let a = 0; a < L; a++) {
        let iu = 0;
        let iv = 0;
        for (let c = 0; c < L; c++) {
          iu += this.invL[ib + a * L + c] * bu[this.ownIndex(c)];
          iv += this.invL[ib + a * L + c] * bv[this.ownIndex(c)];
        }
        const ua = bu[this.ownIndex(a)];
        const va = bv[this.ownIndex(a)];
        cuu -= ua * iu;
        cuv -= ua * iv;
        cvv -= va * iv;
        du -= ua * this.wL[slot * L + a];
        dv -= va * this.wL[slot * L + a];
        for (let k = 0; k < h; k++) {
          hu[k] -= this.wLH[wb + a * h + k] * ua;
          hv[k] -= this.wLH[wb + a * h + k] * va;
        }
      }
      for (let k = 0; k < h; k++) {
        hu[k] += bu[3 + k];
        hv[k] += bv[3 + k];
      }
      guu += cuu;
      guv += cuv;
      gvv += cvv;
      ru += du;
      rv += dv;
    }
    // The (face + line) system, lower triangle.
    const A = this.sys;
    for (let k = 0; k < h; k++) {
      for (let l = 0; l <= k; l++) A[k * g + l] = this.sumHH[k * h + l];
      A[h * g + k] = hu[k];
      A[(h + 1) * g + k] = hv[k];
      this.sol[k] = this.sumH[k];
    }
    A[h * g + h] = guu;
    A[(h + 1) * g + h] = guv;
    A[(h + 1) * g + h + 1] = gvv;
    this.sol[h] = ru;
    this.sol[h + 1] = rv;
    this.fit.fill(0);
    if (!choleskySolveInPlace(A, this.sol, g)) return;
    let e = 0;
    for (let k = 0; k < h; k++) e += this.sol[k] * this.sumH[k];
    e += this.sol[h] * ru + this.sol[h + 1] * rv;
    this.fit[0] = this.sol[h];
    this.fit[1] = this.sol[h + 1];
    this.fit[2] = Math.max(0, e - this.win[2]);
  }

  /** phi = [1, cos θ, sin θ, …, cos Kθ, sin Kθ] (angle-addition recurrence), then τ × [1, cos θ, sin θ],
   *  τ ∈ [−½, ½) the time across the revolution. */
  private basis(theta: number, tau: number): void {
    const phi = this.phi;
    const c1 = Math.cos(theta);
    const s1 = Math.sin(theta);
    phi[0] = 1;
    let ck = c1;
    let sk = s1;
    for (let k = 1; k <= this.orders; k++) {
      phi[2 * k - 1] = ck;
      phi[2 * k] = sk;
      const next = ck * c1 - sk * s1;
      sk = sk * c1 + ck * s1;
      ck = next;
    }
    const p = 2 * this.orders + 1;
    phi[p] = tau;
    phi[p + 1] = tau * c1;
    phi[p + 2] = tau * s1;
  }
}
