// Per-revolution vibration features of the 3-axis accelerometer, INDEX mark to INDEX mark in board
// time: amplitude statistics, rotation orders (angle grid), band powers (FFT) and sub-revolution
// vibration, written into one Float64Array with the named layout of vib-layout.ts.
//
// Usage: setBoard(rateHz, lsb) when the board says HELLO; per revolution begin(startUs, periodUs),
// add(...) one or more sample ranges, finish(); read `features` (and, for the phase's synchronous
// average, feed `grids[axis]` to a SyncAverage). Revolutions are expected in time order: sub-rev
// vibration compares each one with the previous when they share their INDEX mark; call
// breakContinuity() to stop that (e.g. after samples were lost).
//
// Allocation-free after construction: samples are copied into preallocated buffers (at most
// maxSamples per revolution; more are counted in `overflow` and left out), everything else works
// in place. Results are read from typed arrays (V8 boxes doubles returned from calls).

import { AngleGrid } from "./angle-grid.ts";
import { BandSpectrum, DEFAULT_BANDS, SpectrumInput, type Band } from "./band-spectrum.ts";
import { axisMoments, Moment, MOMENT_SLOTS } from "./moments.ts";
import { AXIS_BASE, AxisSlot, axisBlockSize, Feature, vibFeatureNames } from "./vib-layout.ts";

export interface VibFeaturesOptions {
  /** Rotation orders 1..N per axis (default 8). */
  orders?: number;
  /** Angle grid bins per revolution (default 256). */
  gridBins?: number;
  /** FFT frame size, power of two (default 1024). */
  frameSize?: number;
  /** Bands (default DEFAULT_BANDS: low < 20 Hz, orders 0.5–8.5, mid 100–500 Hz, chatter 500–1500 Hz). */
  bands?: readonly Band[];
  /** Most samples buffered per revolution (default 16384: 5.1 s at 3200 Hz, i.e. down to ~12 rpm). */
  maxSamples?: number;
}

/** Saturation bit of channel c is 1 << c, as in the decoder's sample ring. */
const CHANNELS = 3;
/** Two revolutions are contiguous when the second starts within this of the first one's end, µs. */
const CONTIGUOUS_US = 50;
/** rev slots: [start µs, period µs, rate Hz, lsb, previous revolution's end µs] */
const START = 0;
const PERIOD = 1;
const RATE = 2;
const LSB = 3;
const PREV_END = 4;

export class VibFeatures {
  readonly orders: number;
  readonly names: readonly string[];
  /** The feature vector of the last finish(), slots named by `names` (see vib-layout.ts). */
  readonly features: Float64Array;
  /** Angle grid of each axis for the last revolution (g; all NaN when unusable). */
  readonly grids: Float64Array[];
  /** Grid phasors of each axis: [mean, a1, b1, …, aN, bN] (AngleGrid.phasors). */
  readonly phasors: Float64Array[];
  readonly angleGrid: AngleGrid;
  readonly spectrum: BandSpectrum;
  readonly maxSamples: number;
  /** Samples in the last revolution; samples given to add() but not used (outside the
   *  revolution, NaN time, over maxSamples); of those, the ones over maxSamples. */
  samples = 0;
  excluded = 0;
  overflow = 0;

  private readonly rev = new Float64Array([Number.NaN, Number.NaN, 3200, 0.0039, Number.NaN]);
  /** Fraction of the revolution at each buffered sample: (t − start) / period. */
  private readonly frac: Float64Array;
  private readonly values: Float64Array[];
  private readonly saturated = new Float64Array(CHANNELS);
  private readonly prevPhasors: Float64Array[];
  private readonly prevOk = new Uint8Array(CHANNELS);
  private readonly spectrumIn = new Float64Array(3);
  private readonly momentsScratch = new Float64Array(MOMENT_SLOTS);
  private readonly block: number;
  private readonly bandCount: number;

  constructor(options: VibFeaturesOptions = {}) {
    const maxSamples = options.maxSamples ?? 16384;
    if (!Number.isInteger(maxSamples) || maxSamples < 64) {
      throw new RangeError(`VibFeatures maxSamples must be an integer ≥ 64, got ${maxSamples}`);
    }
    this.angleGrid = new AngleGrid({ bins: options.gridBins ?? 256, orders: options.orders ?? 8 });
    this.spectrum = new BandSpectrum({ frameSize: options.frameSize ?? 1024, bands: options.bands ?? DEFAULT_BANDS });
    this.orders = this.angleGrid.orders;
    this.bandCount = this.spectrum.bands.length;
    this.block = axisBlockSize(this.orders, this.bandCount);
    this.names = Object.freeze(vibFeatureNames(this.orders, this.spectrum.bands));
    this.features = new Float64Array(this.names.length).fill(Number.NaN);
    this.maxSamples = maxSamples;
    this.frac = new Float64Array(maxSamples);
    this.values = [0, 1, 2].map(() => new Float64Array(maxSamples));
    this.grids = [0, 1, 2].map(() => new Float64Array(this.angleGrid.bins).fill(Number.NaN));
    this.phasors = [0, 1, 2].map(() => new Float64Array(2 * this.orders + 1).fill(Number.NaN));
    this.prevPhasors = [0, 1, 2].map(() => new Float64Array(2 * this.orders + 1));
  }

  /** Index of a feature by name (−1 when absent). */
  index(name: string): number {
    return this.names.indexOf(name);
  }

  /** The board's sample rate (Hz, from HELLO; default 3200) and LSB (g per count; default 0.0039). */
  setBoard(rateHz: number, lsb: number): void {
    if (!(rateHz > 0) || !(lsb > 0)) throw new RangeError(`VibFeatures.setBoard needs rateHz > 0 and lsb > 0, got ${rateHz}, ${lsb}`);
    this.rev[RATE] = rateHz;
    this.rev[LSB] = lsb;
  }

  /** The next revolution will not be compared with the last one (its subrev is NaN). */
  breakContinuity(): void {
    this.rev[PREV_END] = Number.NaN;
  }

  /** Starts a revolution: INDEX mark at startUs, the next one periodUs later (board time, µs). */
  begin(startUs: number, periodUs: number): void {
    this.rev[START] = startUs;
    this.rev[PERIOD] = periodUs;
    this.samples = 0;
    this.excluded = 0;
    this.overflow = 0;
    this.saturated.fill(0);
  }

  /**
   * Adds VIB samples number from..to−1 of a ring: sample i is at slot i % times.length, with time
   * times[slot] (µs, unwrapped board time), raw counts channels[c][slot] for c = 0, 1, 2 (x, y, z)
   * and saturation bits saturation[slot] (bit c: channel c saturated; null = none). Samples outside
   * [start, start + period) are skipped, so a caller may pass a wider range. Plain arrays work too.
   */
  add(times: Float64Array, channels: ArrayLike<Int16Array>, saturation: Uint8Array | null, from: number, to: number): void {
    const cap = times.length;
    const start = this.rev[START];
    const period = this.rev[PERIOD];
    const lsb = this.rev[LSB];
    const cx = channels[0];
    const cy = channels[1];
    const cz = channels[2];
    const vx = this.values[0];
    const vy = this.values[1];
    const vz = this.values[2];
    let n = this.samples;
    for (let i = from; i < to; i++) {
      const slot = i % cap;
      const dt = times[slot] - start;
      if (!(dt >= 0 && dt < period)) {
        this.excluded++;
        continue;
      }
      if (n >= this.maxSamples) {
        this.excluded++;
        this.overflow++;
        continue;
      }
      const sat = saturation === null ? 0 : saturation[slot];
      this.frac[n] = dt / period;
      vx[n] = (sat & 1) === 0 ? cx[slot] * lsb : Number.NaN;
      vy[n] = (sat & 2) === 0 ? cy[slot] * lsb : Number.NaN;
      vz[n] = (sat & 4) === 0 ? cz[slot] * lsb : Number.NaN;
      if (sat !== 0) {
        if (sat & 1) this.saturated[0]++;
        if (sat & 2) this.saturated[1]++;
        if (sat & 4) this.saturated[2]++;
      }
      n++;
    }
    this.samples = n;
  }

  /** Computes the features of the revolution. Returns false when the period is not positive or the
   *  revolution has fewer than 2 samples (most slots NaN then). */
  finish(): boolean {
    const f = this.features;
    const rev = this.rev;
    const period = rev[PERIOD];
    const n = this.samples;
    const contiguous = Math.abs(rev[START] - rev[PREV_END]) <= CONTIGUOUS_US;
    rev[PREV_END] = rev[START] + period;
    f[Feature.RPM] = period > 0 ? 60e6 / period : Number.NaN;
    f[Feature.SAMPLES] = n;
    f[Feature.COVERAGE] = period > 0 ? n / ((period * rev[RATE]) / 1e6) : Number.NaN;
    const ok = period > 0 && n >= 2;
    this.spectrumIn[SpectrumInput.RATE_HZ] = rev[RATE];
    this.spectrumIn[SpectrumInput.REV_HZ] = period > 0 ? 1e6 / period : Number.NaN;
    for (let a = 0; a < CHANNELS; a++) {
      const base = AXIS_BASE + a * this.block;
      const values = this.values[a];
      axisMoments(values, ok ? n : 0, this.momentsScratch, 0);
      f[base + AxisSlot.MEAN] = this.momentsScratch[Moment.MEAN];
      f[base + AxisSlot.RMS] = this.momentsScratch[Moment.RMS];
      f[base + AxisSlot.CREST] = this.momentsScratch[Moment.CREST];
      f[base + AxisSlot.KURTOSIS] = this.momentsScratch[Moment.KURTOSIS];
      f[base + AxisSlot.SATURATED] = this.saturated[a];
      const grid = this.grids[a];
      const ph = this.phasors[a];
      const gridOk = ok && this.angleGrid.fill(this.frac, values, n, grid) >= this.angleGrid.minFilled;
      if (gridOk) {
        this.angleGrid.phasors(grid, ph);
        this.angleGrid.amplitudes(ph, f, base + AxisSlot.ORDERS);
      } else {
        grid.fill(Number.NaN);
        ph.fill(Number.NaN);
        for (let k = 0; k < this.orders; k++) f[base + AxisSlot.ORDERS + k] = Number.NaN;
      }
      this.spectrumIn[SpectrumInput.MEAN] = this.momentsScratch[Moment.MEAN];
      this.spectrum.measure(values, ok ? n : 0, this.spectrumIn, f, base + AxisSlot.ORDERS + this.orders);
      const subrevSlot = base + AxisSlot.ORDERS + this.orders + this.bandCount;
      if (contiguous && gridOk && this.prevOk[a] === 1) this.profileChange(ph, this.prevPhasors[a], f, subrevSlot);
      else f[subrevSlot] = Number.NaN;
      this.prevOk[a] = gridOk ? 1 : 0;
      if (gridOk) this.prevPhasors[a].set(ph);
    }
    return ok;
  }

  /** ¼ × mean square over angle of the difference of two low-order profiles (see vib-layout.ts),
   *  into out[slot]. */
  private profileChange(ph: Float64Array, prev: Float64Array, out: Float64Array, slot: number): void {
    const d0 = ph[0] - prev[0];
    let sum = d0 * d0;
    for (let i = 1; i < ph.length; i++) {
      const d = ph[i] - prev[i];
      sum += 0.5 * d * d;
    }
    out[slot] = 0.25 * sum;
  }
}
