// A non-synchronous line in the runout probe's signal (e.g. a loose adapter's rattle), found over the
// recent revolutions so that the per-revolution shape fit (RunoutFit) can leave it out.
//
// Within one revolution a vibration at a non-integer rotation order looks like shape to a Fourier
// fit in angle; over several revolutions it does not, because its phase against the INDEX mark moves
// from one revolution to the next while the face's geometry stays put. The model over a window of
// the last revolutions (up to windowUs of time) is
//   y(t) = Σ_{k=2..K} (a_k cos kθ + b_k sin kθ)                       the face: rigid over the window
//        + c_j + (p_j + τ p'_j) cos θ + (q_j + τ q'_j) sin θ + τ c'_j  revolution j's own mean and 1st
//                                                                      order, drifting across it (τ)
//        + a cos ω(t − t₀) + b sin ω(t − t₀) + noise                  the line
// Mounting effects (a wobbling adapter, the lathe's misalignment and its compensation) tilt or shift
// the rotation axis: they are 1st order and mean, and may change from one revolution to the next;
// orders 2..K are the face's geometry. Each revolution's own terms are eliminated (Schur complement
// of the block-arrow normal equations), leaving a (2K − 2 + 2)-square system for the face and the
// line. The energy the line adds to the fit over the face alone is its detection statistic.
//
// The frequency is searched every `detectEvery` revolutions on a grid of half-bins of the window
// between 0.5 and K + 0.5 orders; the highest peak counts as a line only when it is minPeakRatio
// times the median over the band and minSnr times the residual variance (noise alone stays far
// below both), then it is refined (finer grid, parabola). Between searches the frequency is kept and
// (a, b) re-estimated for each revolution; a search that finds nothing clear keeps a line already
// found as long as it still explains minSnr times the noise. Nothing here knows any particular frequency.
//
// Usage per revolution (as RunoutFit): begin(startUs, periodUs); add(...); finish();
// then `line` = [active (1/0), ω (rad/µs), a, b, peak ratio, snr] with t₀ = this revolution's start
// (RunoutFit.setLine takes it as is). Allocation-free after construction.

import { choleskySolveInPlace } from "./cholesky.ts";
import { select } from "./feature-summary.ts";

export interface NonSyncLineOptions {
  /** Orders of the face fitted (default 6, as RunoutFit; 2..16). */
  orders?: number;
  /** Time span of the revolutions the line is estimated over, µs (default 3 s). */
  windowUs?: number;
  /** Most revolutions kept (default 24) and samples kept (default 8192). */
  maxRevs?: number;
  maxSamples?: number;
  /** Revolutions between frequency searches (default 4). */
  detectEvery?: number;
  /** For a line to count, the energy it explains at the search's peak must be minPeakRatio times
   *  the median over the band (default 6) and minSnr times the residual variance (default 100). */
  minPeakRatio?: number;
  minSnr?: number;
}

/** Slots of NonSyncLine.line. */
export const LineResult = { ACTIVE: 0, OMEGA: 1, A: 2, B: 3, RATIO: 4, SNR: 5 } as const;

const TWO_PI = 2 * Math.PI;
/** Revolution slot fields: start, period, first sample, end sample, ok, RSS of its own fit, Σy². */
const R_START = 0;
const R_PERIOD = 1;
const R_FROM = 2;
const R_TO = 3;
const R_OK = 4;
const R_RSS = 5;
const R_SUMSQ = 6;
const R_WIDTH = 7;
/** A revolution's own terms: 1, cos θ, sin θ, τ, τ cos θ, τ sin θ. */
const L = 6;
/** Most search candidates. */
const MAX_CANDIDATES = 4096;
/** Fine steps per coarse step each side of the peak when refining. */
const FINE = 8;

export class NonSyncLine {
  readonly orders: number;
  readonly windowUs: number;
  readonly detectEvery: number;
  readonly minPeakRatio: number;
  readonly minSnr: number;
  /** [active, ω rad/µs, a, b, peak ratio and snr of the last search] for the revolution just finished. */
  readonly line = new Float64Array(6);

  /** Basis per sample: [1, c1, s1, c2, s2, …, cK, sK, τ, τ c1, τ s1] (m); H face terms, G = H + 2. */
  private readonly m: number;
  private readonly h: number;
  private readonly g: number;
  private readonly maxRevs: number;
  private readonly cap: number;
  private readonly ts: Float64Array;
  private readonly ys: Float64Array;
  private readonly phis: Float64Array;
  /** [samples written, revolutions written, revolutions since the last search, frequency Hz (0 none)] */
  private readonly st = new Float64Array(4);
  private readonly revs: Float64Array;
  /** Per revolution slot: full normal matrix (m × m, lower) and right-hand side. */
  private readonly normals: Float64Array;
  private readonly rhss: Float64Array;
  /** Per slot: inverse of its own-terms block (L × L), W = inv · B_LH (L × H), w = inv · b_L (L). */
  private readonly invL: Float64Array;
  private readonly wLH: Float64Array;
  private readonly wL: Float64Array;
  /** Per slot: its reduced face block C_HH − B_LHᵀ W (H × H) and face rhs d_H − B_LHᵀ w (H). */
  private readonly redHH: Float64Array;
  private readonly redH: Float64Array;
  /** Window sums of the reduced face system, and its explained energy without a line. */
  private readonly sumHH: Float64Array;
  private readonly sumH: Float64Array;
  private readonly base = new Float64Array(1);
  private readonly phi: Float64Array;
  private readonly work: Float64Array;
  private readonly x: Float64Array;
  private readonly sys: Float64Array;
  private readonly sol: Float64Array;
  private readonly bu: Float64Array;
  private readonly bv: Float64Array;
  private readonly hu: Float64Array;
  private readonly hv: Float64Array;
  private readonly power: Float64Array;
  private readonly sorted: Float64Array;
  private readonly energy = new Float64Array(2 * FINE + 1);
  /** Line fit at the last ω: [a, b, energy added over the face alone]. Window: [first rev number, t₀]. */
  private readonly fit = new Float64Array(3);
  private readonly win = new Float64Array(2);

  constructor(options: NonSyncLineOptions = {}) {
    const orders = options.orders ?? 6;
    if (!Number.isInteger(orders) || orders < 2 || orders > 16) throw new RangeError(`NonSyncLine orders must be an integer in 2..16, got ${orders}`);
    this.orders = orders;
    this.m = 2 * orders + 4;
    this.h = 2 * orders - 2;
    this.g = this.h + 2;
    this.windowUs = options.windowUs ?? 3e6;
    this.maxRevs = options.maxRevs ?? 24;
    this.cap = options.maxSamples ?? 8192;
    this.detectEvery = options.detectEvery ?? 4;
    this.minPeakRatio = options.minPeakRatio ?? 6;
    this.minSnr = options.minSnr ?? 100;
    if (!(this.windowUs > 0) || !(this.maxRevs >= 3) || !(this.cap >= 64) || !(this.detectEvery >= 1) || !(this.minPeakRatio > 1) || !(this.minSnr > 0)) {
      throw new RangeError("NonSyncLine: windowUs > 0, maxRevs ≥ 3, maxSamples ≥ 64, detectEvery ≥ 1, minPeakRatio > 1, minSnr > 0");
    }
    const { m, h, g } = this;
    const R = this.maxRevs;
    this.ts = new Float64Array(this.cap);
    this.ys = new Float64Array(this.cap);
    this.phis = new Float64Array(this.cap * m);
    this.revs = new Float64Array(R * R_WIDTH);
    this.normals = new Float64Array(R * m * m);
    this.rhss = new Float64Array(R * m);
    this.invL = new Float64Array(R * L * L);
    this.wLH = new Float64Array(R * L * h);
    this.wL = new Float64Array(R * L);
    this.redHH = new Float64Array(R * h * h);
    this.redH = new Float64Array(R * h);
    this.sumHH = new Float64Array(h * h);
    this.sumH = new Float64Array(h);
    this.phi = new Float64Array(m);
    this.work = new Float64Array(m * m);
    this.x = new Float64Array(m);
    this.sys = new Float64Array(g * g);
    this.sol = new Float64Array(g);
    this.bu = new Float64Array(m);
    this.bv = new Float64Array(m);
    this.hu = new Float64Array(h);
    this.hv = new Float64Array(h);
    this.power = new Float64Array(MAX_CANDIDATES);
    this.sorted = new Float64Array(MAX_CANDIDATES);
  }

  /** Forgets every revolution and the line. */
  reset(): void {
    this.st.fill(0);
    this.line.fill(0);
  }

  /** Starts a revolution: the INDEX mark at startUs, the next one periodUs later. */
  begin(startUs: number, periodUs: number): void {
    const cur = this.st[1] % this.maxRevs;
    const r = cur * R_WIDTH;
    this.revs[r + R_START] = startUs;
    this.revs[r + R_PERIOD] = periodUs;
    this.revs[r + R_FROM] = this.st[0];
    this.revs[r + R_TO] = this.st[0];
    this.revs[r + R_OK] = 0;
    this.revs[r + R_SUMSQ] = 0;
    const m = this.m;
    this.normals.fill(0, cur * m * m, (cur + 1) * m * m);
    this.rhss.fill(0, cur * m, (cur + 1) * m);
  }

  /** Adds samples as RunoutFit.add does (same arguments, same exclusions). */
  add(times: Float64Array, values: ArrayLike<number>, flags: Uint8Array | null, flagMask: number, from: number, to: number, scale: number): void {
    const cur = this.st[1] % this.maxRevs;
    const r = cur * R_WIDTH;
    const start = this.revs[r + R_START];
    const period = this.revs[r + R_PERIOD];
    const m = this.m;
    const nb = cur * m;
    const normal = this.normals;
    const rhs = this.rhss;
    const phi = this.phi;
    const cap = times.length;
    for (let i = from; i < to; i++) {
      const slot = i % cap;
      const dt = times[slot] - start;
      if (!(dt >= 0 && dt < period) || (flags !== null && (flags[slot] & flagMask) !== 0)) continue;
      const y = values[slot] * scale;
      this.revs[r + R_SUMSQ] += y * y;
      const w = this.st[0] % this.cap;
      this.ts[w] = times[slot];
      this.ys[w] = y;
      this.st[0]++;
      this.basis((TWO_PI * dt) / period, dt / period - 0.5);
      for (let a = 0; a < m; a++) {
        const pa = phi[a];
        this.phis[w * m + a] = pa;
        rhs[nb + a] += pa * y;
        const row = (nb + a) * m;
        for (let c = 0; c <= a; c++) normal[row + c] += pa * phi[c];
      }
    }
    this.revs[r + R_TO] = this.st[0];
  }

  /** Closes the revolution and estimates the line for it into `line`. */
  finish(): void {
    const cur = this.st[1] % this.maxRevs;
    const r = cur * R_WIDTH;
    this.revs[r + R_OK] = this.revs[r + R_TO] - this.revs[r + R_FROM] >= 3 * this.m && this.reduce(cur) ? 1 : 0;
    this.st[1]++;
    this.st[2]++;
    this.line[LineResult.ACTIVE] = 0;
    if (this.revs[r + R_OK] === 0) return;
    // Window: the revolutions back from this one whose samples are still held and lie within windowUs.
    const end = this.revs[r + R_START] + this.revs[r + R_PERIOD];
    const oldestSample = this.st[0] - this.cap;
    let first = this.st[1] - 1;
    while (first - 1 >= 0 && this.st[1] - first < this.maxRevs) {
      const p = ((first - 1) % this.maxRevs) * R_WIDTH;
      if (this.revs[p + R_START] < end - this.windowUs || this.revs[p + R_FROM] < oldestSample) break;
      first--;
    }
    this.win[0] = first;
    this.win[1] = this.revs[r + R_START];
    // A line already known is estimated over as few as 2 revolutions (right after a cut); a search
    // needs 3.
    const revs = this.st[1] - first;
    if (revs < 2 || (revs < 3 && this.st[3] === 0)) return;
    this.sumFace();
    // Searched every detectEvery revolutions, and every other one while no line is known.
    if (revs >= 3 && this.st[2] >= (this.st[3] === 0 ? Math.min(2, this.detectEvery) : this.detectEvery)) {
      this.st[2] = 0;
      this.search(end);
    }
    if (this.st[3] === 0) return;
    const omega = (TWO_PI * this.st[3]) / 1e6;
    this.solveLine(omega);
    if (!(this.fit[2] > 0)) return;
    this.line[LineResult.ACTIVE] = 1;
    this.line[LineResult.OMEGA] = omega;
    this.line[LineResult.A] = this.fit[0];
    this.line[LineResult.B] = this.fit[1];
  }

  /** Revolution slot `cur`: its own fit's RSS, and its own terms eliminated (false if singular). */
  private reduce(cur: number): boolean {
    const { m, h } = this;
    const nrm = this.normals;
    const nb = cur * m * m;
    const rb = cur * m;
    // Its own full fit (face + own terms): the residual variance for the detection threshold.
    for (let i = 0; i < m * m; i++) this.work[i] = nrm[nb + i];
    for (let a = 0; a < m; a++) this.x[a] = this.rhss[rb + a];
    if (!choleskySolveInPlace(this.work, this.x, m)) return false;
    let explained = 0;
    for (let a = 0; a < m; a++) explained += this.x[a] * this.rhss[rb + a];
    this.revs[cur * R_WIDTH + R_RSS] = Math.max(0, this.revs[cur * R_WIDTH + R_SUMSQ] - explained);
    // inv of the own-terms block, column by column.
    const inv = this.invL;
    const ib = cur * L * L;
    for (let col = 0; col < L; col++) {
      for (let a = 0; a < L; a++) for (let c = 0; c <= a; c++) this.work[a * L + c] = this.at(nb, this.own(a), this.own(c));
      this.x.fill(0);
      this.x[col] = 1;
      if (!choleskySolveInPlace(this.work, this.x, L)) return false;
      for (let a = 0; a < L; a++) inv[ib + a * L + col] = this.x[a];
    }
    // W = inv · B_LH, w = inv · b_L.
    const wb = cur * L * h;
    for (let a = 0; a < L; a++) {
      let wa = 0;
      for (let c = 0; c < L; c++) wa += inv[ib + a * L + c] * this.rhss[rb + this.own(c)];
      this.wL[cur * L + a] = wa;
      for (let k = 0; k < h; k++) {
        let s = 0;
        for (let c = 0; c < L; c++) s += inv[ib + a * L + c] * this.at(nb, this.own(c), 3 + k);
        this.wLH[wb + a * h + k] = s;
      }
    }
    // Reduced face block and rhs.
    const hb = cur * h * h;
    for (let k = 0; k < h; k++) {
      let sr = this.rhss[rb + 3 + k];
      for (let a = 0; a < L; a++) sr -= this.at(nb, this.own(a), 3 + k) * this.wL[cur * L + a];
      this.redH[cur * h + k] = sr;
      for (let l = 0; l < h; l++) {
        let s = this.at(nb, 3 + k, 3 + l);
        for (let a = 0; a < L; a++) s -= this.at(nb, this.own(a), 3 + k) * this.wLH[wb + a * h + l];
        this.redHH[hb + k * h + l] = s;
      }
    }
    return true;
  }

  /** Index in the basis of own term a (0..5): 1, c1, s1, τ, τ c1, τ s1. */
  private own(a: number): number {
    return a < 3 ? a : 2 * this.orders + a - 2;
  }

  /** Element (i, j) of the symmetric normal matrix at offset nb (only the lower triangle is kept). */
  private at(nb: number, i: number, j: number): number {
    return i >= j ? this.normals[nb + i * this.m + j] : this.normals[nb + j * this.m + i];
  }

  /** Sums the window's reduced face systems and the energy the face explains alone (base). */
  private sumFace(): void {
    const h = this.h;
    this.sumHH.fill(0);
    this.sumH.fill(0);
    for (let j = this.win[0]; j < this.st[1]; j++) {
      const slot = j % this.maxRevs;
      if (this.revs[slot * R_WIDTH + R_OK] === 0) continue;
      for (let i = 0; i < h * h; i++) this.sumHH[i] += this.redHH[slot * h * h + i];
      for (let k = 0; k < h; k++) this.sumH[k] += this.redH[slot * h + k];
    }
    for (let i = 0; i < h * h; i++) this.work[i] = this.sumHH[i];
    for (let k = 0; k < h; k++) this.x[k] = this.sumH[k];
    let e = 0;
    if (choleskySolveInPlace(this.work, this.x, h)) for (let k = 0; k < h; k++) e += this.x[k] * this.sumH[k];
    this.base[0] = e;
  }

  /** Frequency search over the window; sets st[3] (0 when no line stands out). */
  private search(end: number): void {
    const previous = this.st[3];
    this.st[3] = 0;
    const K = this.orders;
    const first = this.win[0];
    const last = this.st[1];
    const t0 = this.revs[(first % this.maxRevs) * R_WIDTH + R_START];
    const span = end - t0;
    let rss = 0;
    let dof = 0;
    for (let j = first; j < last; j++) {
      const p = (j % this.maxRevs) * R_WIDTH;
      if (this.revs[p + R_OK] === 0) continue;
      rss += this.revs[p + R_RSS];
      dof += this.revs[p + R_TO] - this.revs[p + R_FROM] - this.m;
    }
    // The residual variance about the revolutions' own fits: a line explains ≈ 2 of it by chance.
    const noiseVar = dof > 0 ? rss / dof : 0;
    const lastRev = ((last - 1) % this.maxRevs) * R_WIDTH;
    const frev = 1e6 / this.revs[lastRev + R_PERIOD];
    const step = 1e6 / (2 * span);
    const fLo = 0.5 * frev;
    let count = Math.floor(((K + 0.5) * frev - fLo) / step) + 1;
    if (count > MAX_CANDIDATES) count = MAX_CANDIDATES;
    if (count < 8 || !(noiseVar > 0)) return;
    let best = 0;
    for (let k = 0; k < count; k++) {
      this.solveLine((TWO_PI * (fLo + k * step)) / 1e6);
      const pw = this.fit[2];
      this.power[k] = pw;
      if (pw > this.power[best]) best = k;
    }
    for (let k = 0; k < count; k++) this.sorted[k] = this.power[k];
    const mid = count >> 1;
    select(this.sorted, 0, count - 1, mid);
    const ratio = this.power[best] / this.sorted[mid];
    const snr = this.power[best] / noiseVar;
    this.line[LineResult.RATIO] = ratio;
    this.line[LineResult.SNR] = snr;
    if (!(ratio >= this.minPeakRatio) || !(snr >= this.minSnr)) {
      // A line already found stays while it still explains minSnr times the noise: a disturbance
      // in the window (a compensation, the tool passing the probe) raises the band, not the line.
      if (previous > 0) {
        this.solveLine((TWO_PI * previous) / 1e6);
        if (this.fit[2] >= this.minSnr * noiseVar) this.st[3] = previous;
      }
      return;
    }
    const fPeak = fLo + best * step;
    const fine = step / FINE;
    const e = this.energy;
    let top = 0;
    for (let q = 0; q <= 2 * FINE; q++) {
      this.solveLine((TWO_PI * (fPeak + (q - FINE) * fine)) / 1e6);
      e[q] = this.fit[2];
      if (e[q] > e[top]) top = q;
    }
    if (!(e[top] > 0)) return;
    let bestF = fPeak + (top - FINE) * fine;
    if (top > 0 && top < 2 * FINE) {
      const curv = e[top - 1] - 2 * e[top] + e[top + 1];
      if (curv < 0) bestF += ((0.5 * (e[top - 1] - e[top + 1])) / curv) * fine;
    }
    this.st[3] = bestF;
  }

  /** Fits face + line at ω (rad/µs) over the window: fit = [a, b, energy the line adds]. */
  private solveLine(omega: number): void {
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
      if (this.revs[p + R_OK] === 0) continue;
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
          iu += this.invL[ib + a * L + c] * bu[this.own(c)];
          iv += this.invL[ib + a * L + c] * bv[this.own(c)];
        }
        const ua = bu[this.own(a)];
        const va = bv[this.own(a)];
        cuu -= ua * iu;
        cuv -= ua * iv;
        cvv -= va * iv;
        du -= ua * this.wL[slot * L + a];
        dv -= va * this.wL[slot * L + a];
        // face × line: bu_H − W_LHᵀ bu_L
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
    this.fit[2] = Math.max(0, e - this.base[0]);
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
