// A non-synchronous line in the runout probe's signal (e.g. a loose adapter's rattle), found over the
// recent revolutions so that the per-revolution shape fit (RunoutFit) can leave it out.
//
// Within one revolution a vibration at a non-integer rotation order looks like shape to a Fourier
// fit in angle; over several revolutions it does not, because its phase against the INDEX mark moves
// from one revolution to the next while the face's geometry stays put. NonSyncWindow holds the model
// over the last revolutions (up to windowUs): a rigid face (orders 2..K), each revolution's own mean
// and drifting 1st order, and optionally a line a cos ω(t − t₀) + b sin ω(t − t₀); the energy the
// line adds to the fit over the face alone is its detection statistic.
//
// Cheap by steps, each only when the one before says so:
//   1. Evidence: the plain per-revolution fits' orders 2..K (RunoutFit, already computed) vary from
//      revolution to revolution, over 2 or more revolutions of the phase, by minSpread times what
//      their noise and the speed's variation explain. A rigid face stays near 1; a line at a
//      non-integer order moves them by its own size. Once seen, evidence holds until reset(). No
//      evidence and no line known: nothing else is done (the revolution's samples are only copied).
//   2. Search (every `detectEvery` revolutions, every other one while no line is known): a DFT of
//      the window's residual about the face-only model, binned in time, on a grid of half-bins of
//      the window between 0.5 and K + 0.5 orders; its peak must be minPeakRatio times the band's
//      median. The DFT is zoomed in around its peak (eighth steps, a parabola), and the exact line
//      energy maximised there (3–5 fits a quarter step apart, a parabola; not a fit per grid
//      point), where the line must explain minSnr times the residual variance. A search that
//      finds nothing clear keeps a line already found as long as it still explains minSnr times
//      the noise.
//   3. Every revolution with a line known: (a, b) fitted over the window at the line's frequency.
// Nothing here knows any particular frequency.
//
// Usage per revolution: fit the revolution plainly with a RunoutFit (orders ≥ K); then begin(startUs,
// periodUs); add(...) as RunoutFit.add; finish(plainFit, estimate); then `line` = [active (1/0),
// ω (rad/µs), a, b, peak ratio, snr, spread] with t₀ = this revolution's start (RunoutFit.setLine
// takes it as is). reset() forgets everything (a new job, a new mounting); markSegment() starts a
// new phase: evidence is looked for within one (a cut changes the face), the window spans them.
// Allocation-free after construction.

import { NonSyncWindow } from "./nonsync-window.ts";
import { RunoutResult, type RunoutFit } from "./runout.ts";
import { select } from "./feature-summary.ts";

export interface NonSyncLineOptions {
  /** Orders of the face fitted (default 6, as RunoutFit; 2..16). */
  orders?: number;
  /** Time span of the revolutions the line is estimated over, µs (default 3 s). */
  windowUs?: number;
  /** Most revolutions kept (default 24) and samples kept (default 8192). */
  maxRevs?: number;
  maxSamples?: number;
  /** Revolutions between frequency searches while a line is known (default 4). */
  detectEvery?: number;
  /** Evidence: the plain fits' orders 2..K vary minSpread times what noise and speed variation
   *  explain (default 4). */
  minSpread?: number;
  /** Speed variation within a revolution warps the angle the fit assumes (from the INDEX marks), so
   *  a large 1st order moves orders 2..K: each is allowed warp × the 1st order's amplitude rms on
   *  top of the noise's share (default 0.005). */
  warp?: number;
  /** For a line to count, the DFT peak must be minPeakRatio times the band's median (default 6) and
   *  the energy the line explains minSnr times the residual variance (default 100). */
  minPeakRatio?: number;
  minSnr?: number;
}

/** Slots of NonSyncLine.line. */
export const LineResult = { ACTIVE: 0, OMEGA: 1, A: 2, B: 3, RATIO: 4, SNR: 5, SPREAD: 6 } as const;

const TWO_PI = 2 * Math.PI;
/** Most DFT candidates and residual bins. */
const MAX_CANDIDATES = 1024;
const MAX_BINS = 2048;
/** DFT points per grid step when zooming in on its peak. */
const ZOOM = 8;
/** State: [revolutions since the last search, line frequency Hz (0 none), evidence seen (1/0)]. */
const SINCE = 0;
const FREQ = 1;
const EVIDENCE = 2;

export class NonSyncLine {
  readonly orders: number;
  readonly windowUs: number;
  readonly detectEvery: number;
  readonly minSpread: number;
  readonly warp: number;
  readonly minPeakRatio: number;
  readonly minSnr: number;
  /** [active, ω rad/µs, a, b, peak ratio and snr of the last search, spread] for the revolution just finished. */
  readonly line = new Float64Array(7);
  private readonly w: NonSyncWindow;
  private readonly st = new Float64Array(3);
  /** Per revolution slot: the plain fit's orders 2..K (h) and the variance of each that noise and
   *  speed variation explain. */
  private readonly plainH: Float64Array;
  private readonly plainVar: Float64Array;
  private readonly mean: Float64Array;
  private readonly bins = new Float64Array(MAX_BINS);
  private readonly power = new Float64Array(MAX_CANDIDATES);
  private readonly sorted = new Float64Array(MAX_CANDIDATES);
  /** Parabolic refinement: [frequency, energy] at three points; [power or energy, frequency]
   *  results (doubles are not returned: V8 boxes them). */
  private readonly tri = new Float64Array(6);
  private readonly zoomed = new Float64Array(2 * ZOOM + 1);
  private readonly scratch = new Float64Array(2);

  constructor(options: NonSyncLineOptions = {}) {
    const orders = options.orders ?? 6;
    if (!Number.isInteger(orders) || orders < 2 || orders > 16) throw new RangeError(`NonSyncLine orders must be an integer in 2..16, got ${orders}`);
    this.orders = orders;
    this.windowUs = options.windowUs ?? 3e6;
    const maxRevs = options.maxRevs ?? 24;
    const maxSamples = options.maxSamples ?? 8192;
    this.detectEvery = options.detectEvery ?? 4;
    this.minSpread = options.minSpread ?? 4;
    this.warp = options.warp ?? 0.005;
    this.minPeakRatio = options.minPeakRatio ?? 6;
    this.minSnr = options.minSnr ?? 100;
    if (!(this.windowUs > 0) || !(maxRevs >= 3) || !(maxSamples >= 64) || !(this.detectEvery >= 1) || !(this.minSpread >= 0) || !(this.warp >= 0) || !(this.minPeakRatio > 1) || !(this.minSnr > 0)) {
      throw new RangeError("NonSyncLine: windowUs > 0, maxRevs ≥ 3, maxSamples ≥ 64, detectEvery ≥ 1, minSpread ≥ 0, warp ≥ 0, minPeakRatio > 1, minSnr > 0");
    }
    this.w = new NonSyncWindow(orders, maxRevs, maxSamples);
    this.plainH = new Float64Array(maxRevs * this.w.h);
    this.plainVar = new Float64Array(maxRevs);
    this.mean = new Float64Array(this.w.h);
  }

  /** Forgets every revolution and the line. */
  reset(): void {
    this.w.reset();
    this.st.fill(0);
    this.line.fill(0);
  }

  /** The next revolution starts a segment: the evidence is looked for within a segment only (a
   *  cut in between changes the face), while the window's model spans segments. */
  markSegment(): void {
    this.w.markSegment();
  }

  /** Starts a revolution: the INDEX mark at startUs, the next one periodUs later. */
  begin(startUs: number, periodUs: number): void {
    this.w.begin(startUs, periodUs);
  }

  /** Adds samples as RunoutFit.add does (same arguments, same exclusions). */
  add(times: Float64Array, values: ArrayLike<number>, flags: Uint8Array | null, flagMask: number, from: number, to: number, scale: number): void {
    this.w.add(times, values, flags, flagMask, from, to, scale);
  }

  /** Closes the revolution, given its plain fit (RunoutFit of the same samples, orders ≥ K, no line
   *  set), and when `estimate` estimates the line for it into `line` (otherwise the revolution is
   *  only kept for the window: e.g. in a cut). */
  finish(plain: RunoutFit, estimate: boolean): void {
    const w = this.w;
    const h = w.h;
    const slot = w.st[1] % w.maxRevs;
    const usable = plain.ok && plain.orders >= this.orders;
    if (usable) {
      for (let k = 0; k < h; k++) this.plainH[slot * h + k] = plain.coefficients[3 + k];
      const c = plain.coefficients;
      const rms = plain.result[RunoutResult.RESIDUAL_RMS];
      const warped = this.warp * this.warp * (c[1] * c[1] + c[2] * c[2]);
      this.plainVar[slot] = (2 * rms * rms) / plain.samples + warped;
    }
    const revs = w.finish(usable, this.windowUs);
    this.st[SINCE]++;
    this.line[LineResult.ACTIVE] = 0;
    if (!usable || !estimate) return;
    const known = this.st[FREQ] > 0;
    if (!known) {
      // A search needs 3 revolutions, and evidence (seen since the last reset).
      if (revs < 3) return;
      if (this.st[EVIDENCE] === 0) {
        this.spread();
        if (!(this.line[LineResult.SPREAD] >= this.minSpread)) return;
        this.st[EVIDENCE] = 1;
      }
    } else if (revs < 2) {
      // A line already known is estimated over as few as 2 revolutions (right after a cut).
      return;
    }
    w.prepare();
    let solved = false;
    if (revs >= 3 && this.st[SINCE] >= (known ? this.detectEvery : Math.min(2, this.detectEvery))) {
      this.st[SINCE] = 0;
      this.search();
      solved = true;
    }
    if (this.st[FREQ] === 0) return;
    const omega = (TWO_PI * this.st[FREQ]) / 1e6;
    // A search leaves the window's fit at the frequency it keeps.
    if (!solved) w.solveLine(omega);
    if (!(w.fit[2] > 0)) return;
    this.line[LineResult.ACTIVE] = 1;
    this.line[LineResult.OMEGA] = omega;
    this.line[LineResult.A] = w.fit[0];
    this.line[LineResult.B] = w.fit[1];
  }

  /** How much the plain fits' orders 2..K vary over the window's current segment, over what noise
   *  and speed variation explain. */
  private spread(): void {
    const w = this.w;
    const h = w.h;
    const mean = this.mean;
    mean.fill(0);
    let n = 0;
    let noise = 0;
    const first = w.segmentStart();
    for (let j = first; j < w.st[1]; j++) {
      if (!w.usable(j)) continue;
      const slot = j % w.maxRevs;
      for (let k = 0; k < h; k++) mean[k] += this.plainH[slot * h + k];
      noise += this.plainVar[slot];
      n++;
    }
    this.line[LineResult.SPREAD] = 0;
    if (n < 2 || !(noise > 0)) return;
    for (let k = 0; k < h; k++) mean[k] /= n;
    let s = 0;
    for (let j = first; j < w.st[1]; j++) {
      if (!w.usable(j)) continue;
      const slot = j % w.maxRevs;
      for (let k = 0; k < h; k++) {
        const d = this.plainH[slot * h + k] - mean[k];
        s += d * d;
      }
    }
    this.line[LineResult.SPREAD] = s / ((noise * h * (n - 1)) / n);
  }

  /** Frequency search over the window; sets the line's frequency (0 when no line stands out) and
   *  leaves the window's fit at it. */
  private search(): void {
    const w = this.w;
    const previous = this.st[FREQ];
    this.st[FREQ] = 0;
    const K = this.orders;
    const last = w.st[1] - 1;
    const t0 = w.startOf(w.win[0]);
    const span = w.st[3] - t0;
    const noiseVar = w.noiseVariance();
    const frev = 1e6 / w.periodOf(last);
    const step = 1e6 / (2 * span);
    const fLo = 0.5 * frev;
    const fHi = (K + 0.5) * frev;
    let count = Math.floor((fHi - fLo) / step) + 1;
    if (count > MAX_CANDIDATES) count = MAX_CANDIDATES;
    if (count < 8 || !(noiseVar > 0)) return;
    // Bins a quarter of the band's top period wide (or wider, to fit the window in MAX_BINS).
    const binUs = Math.max(1e6 / (4 * fHi), span / MAX_BINS);
    const used = w.binResidual(this.bins, t0, binUs);
    let best = 0;
    for (let k = 0; k < count; k++) {
      this.dft(fLo + k * step, binUs, used);
      this.power[k] = this.scratch[0];
      if (this.power[k] > this.power[best]) best = k;
    }
    for (let k = 0; k < count; k++) this.sorted[k] = this.power[k];
    const mid = count >> 1;
    select(this.sorted, 0, count - 1, mid);
    const ratio = this.power[best] / this.sorted[mid];
    this.line[LineResult.RATIO] = ratio;
    this.line[LineResult.SNR] = 0;
    if (ratio >= this.minPeakRatio) {
      this.zoom(fLo + best * step, step, binUs, used);
      this.refine(this.scratch[1], step);
      const f = this.scratch[1];
      w.solveLine((TWO_PI * f) / 1e6);
      const snr = w.fit[2] / noiseVar;
      this.line[LineResult.SNR] = snr;
      if (snr >= this.minSnr) {
        this.st[FREQ] = f;
        return;
      }
    }
    // A line already found stays while it still explains minSnr times the noise: a disturbance
    // in the window (a compensation, the tool passing the probe) raises the band, not the line.
    if (previous > 0) {
      w.solveLine((TWO_PI * previous) / 1e6);
      if (w.fit[2] >= this.minSnr * noiseVar) this.st[FREQ] = previous;
    }
  }

  /** The DFT's peak near f (a grid point, spacing step) on ZOOM points a step, refined by a parabola
   *  through its neighbours: into scratch[1] (Hz). */
  private zoom(f: number, step: number, binUs: number, used: number): void {
    const fine = step / ZOOM;
    const e = this.zoomed;
    let top = 0;
    for (let q = 0; q <= 2 * ZOOM; q++) {
      this.dft(f + (q - ZOOM) * fine, binUs, used);
      e[q] = this.scratch[0];
      if (e[q] > e[top]) top = q;
    }
    let off = 0;
    if (top > 0 && top < 2 * ZOOM) {
      const curv = e[top - 1] - 2 * e[top] + e[top + 1];
      if (curv < 0) off = (0.5 * (e[top - 1] - e[top + 1])) / curv;
    }
    this.scratch[1] = f + (top - ZOOM + off) * fine;
  }

  /** The frequency of the most line energy near f (the DFT's peak): the exact energy
   *  (NonSyncWindow.solveLine) at f and a quarter step either side, walked uphill while an end is
   *  higher, then a parabola. Into scratch[1] (Hz). */
  private refine(f: number, step: number): void {
    const t = this.tri;
    const h = step / 4;
    this.triple(f, h);
    for (let walk = 0; walk < 4 && (t[1] > t[3] || t[5] > t[3]); walk++) {
      const dir = t[5] > t[1] ? 1 : -1;
      const fn = t[2] + 2 * dir * h;
      this.energy(fn);
      if (dir > 0) {
        t[0] = t[2]; t[1] = t[3]; t[2] = t[4]; t[3] = t[5]; t[4] = fn; t[5] = this.scratch[0];
      } else {
        t[4] = t[2]; t[5] = t[3]; t[2] = t[0]; t[3] = t[1]; t[0] = fn; t[1] = this.scratch[0];
      }
    }
    this.vertex(h);
  }

  /** tri = [f − h, E, f, E, f + h, E]. */
  private triple(f: number, h: number): void {
    const t = this.tri;
    for (let q = 0; q < 3; q++) {
      t[2 * q] = f + (q - 1) * h;
      this.energy(t[2 * q]);
      t[2 * q + 1] = this.scratch[0];
    }
  }

  /** The vertex of the parabola through tri (spacing h), kept within ±h of the middle point, or the
   *  best point when the three do not bend down: into scratch[1]. */
  private vertex(h: number): void {
    const t = this.tri;
    const curv = t[1] - 2 * t[3] + t[5];
    if (curv < 0) {
      let off = (0.5 * (t[1] - t[5])) / curv;
      if (off > 1) off = 1;
      else if (off < -1) off = -1;
      this.scratch[1] = t[2] + off * h;
    } else if (t[1] >= t[3] && t[1] >= t[5]) this.scratch[1] = t[0];
    else this.scratch[1] = t[5] > t[3] ? t[4] : t[2];
  }

  /** The energy a line at f Hz adds over the face alone, over the window: into scratch[0]. */
  private energy(f: number): void {
    this.w.solveLine((TWO_PI * f) / 1e6);
    this.scratch[0] = this.w.fit[2];
  }

  /** |Σ bins[b] e^{−i 2π f t_b}|² over the first `used` bins of binUs: into scratch[0]. */
  private dft(f: number, binUs: number, used: number): void {
    const dphi = (TWO_PI * f * binUs) / 1e6;
    const rc = Math.cos(dphi);
    const rs = Math.sin(dphi);
    let u = 1;
    let v = 0;
    let re = 0;
    let im = 0;
    for (let b = 0; b < used; b++) {
      const x = this.bins[b];
      re += x * u;
      im += x * v;
      const nu = u * rc - v * rs;
      v = v * rc + u * rs;
      u = nu;
    }
    this.scratch[0] = re * re + im * im;
  }
}
