// Band powers of one axis over a revolution, from a Hann-windowed FFT (fft.js, real transform).
//
// Framing (Welch): frames of `frameSize` samples (a power of two; default 1024 = 0.32 s at 3200 Hz,
// 3.125 Hz bins). A revolution of n ≥ frameSize samples is covered by 1 + ⌈(n − F)/(F/2)⌉ frames
// spread evenly from its first to its last sample (about 50 % overlap; 2 frames for a revolution of
// 1280 samples at 150 rpm); a shorter one is a single frame windowed over its n samples and
// zero-padded to F. Frame spectra are averaged.
//
// Scaling: the one-sided power of bin k is 2|X_k|² / (F · Σw²) (1× at the Nyquist bin), so that the
// bins add up to the mean square of the signal (Parseval): a band's figure is the mean-square
// acceleration in that band, g², and a sinusoid of amplitude A inside a band reads A²/2.
// The revolution's mean (gravity) is removed first and bin 0 is never in a band; an excluded sample
// (NaN) counts as the mean, i.e. 0. The samples are taken as contiguous at the sample rate.

import FFT from "fft.js";

export interface Band {
  /** Used in feature names: letters, digits and '-' only. */
  name: string;
  /** Bins with centre frequency in [lo, hi) belong to the band; in Hz, or in orders of the
   *  revolution's frequency (unit "order": the band moves with rpm). */
  lo: number;
  hi: number;
  unit?: "hz" | "order";
}

/** Default bands. Below ~1 order one revolution cannot resolve frequencies: sub-revolution vibration
 *  is measured across revolutions instead (see vib-features.ts, `subrev`). */
export const DEFAULT_BANDS: readonly Band[] = [
  { name: "low", lo: 0, hi: 20, unit: "hz" },
  { name: "orders", lo: 0.5, hi: 8.5, unit: "order" },
  { name: "mid", lo: 100, hi: 500, unit: "hz" },
  { name: "chatter", lo: 500, hi: 1500, unit: "hz" },
];

/** Slots of the `rev` argument of BandSpectrum.measure (doubles go through a typed array: V8
 *  boxes double arguments of calls it does not inline). */
export const SpectrumInput = { RATE_HZ: 0, REV_HZ: 1, MEAN: 2 } as const;

export interface BandSpectrumOptions {
  /** FFT frame, a power of two in 64..16384 (default 1024). */
  frameSize?: number;
  bands?: readonly Band[];
}

export class BandSpectrum {
  readonly frameSize: number;
  readonly bands: readonly Band[];
  /** Averaged one-sided power per bin (g² per bin) of the last measure(): F/2 + 1 bins. */
  readonly power: Float64Array;
  /** Frames averaged in the last measure(). */
  frames = 0;
  private readonly fft: FFT;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly window: Float64Array;
  private readonly windowPower: number;
  private readonly bandLo: Float64Array;
  private readonly bandHi: Float64Array;
  private readonly bandInOrders: Uint8Array;

  constructor(options: BandSpectrumOptions = {}) {
    const F = options.frameSize ?? 1024;
    if (!Number.isInteger(F) || F < 64 || F > 16384 || (F & (F - 1)) !== 0) {
      throw new RangeError(`BandSpectrum frameSize must be a power of two in 64..16384, got ${F}`);
    }
    const bands = options.bands ?? DEFAULT_BANDS;
    for (const b of bands) {
      if (!/^[A-Za-z0-9-]+$/.test(b.name)) throw new RangeError(`BandSpectrum band name '${b.name}' must be letters, digits or '-'`);
      if (!(b.lo >= 0 && b.hi > b.lo)) throw new RangeError(`BandSpectrum band '${b.name}' needs 0 ≤ lo < hi, got ${b.lo}..${b.hi}`);
      if (b.unit !== undefined && b.unit !== "hz" && b.unit !== "order") {
        throw new RangeError(`BandSpectrum band '${b.name}' unit must be "hz" or "order", got ${String(b.unit)}`);
      }
    }
    this.frameSize = F;
    this.bands = bands.map((b) => ({ ...b }));
    this.fft = new FFT(F);
    this.frame = new Float64Array(F);
    this.spectrum = new Float64Array(2 * F);
    this.power = new Float64Array(F / 2 + 1);
    this.window = new Float64Array(F);
    let s = 0;
    for (let i = 0; i < F; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / F);
      this.window[i] = w;
      s += w * w;
    }
    this.windowPower = s;
    this.bandLo = Float64Array.from(bands, (b) => b.lo);
    this.bandHi = Float64Array.from(bands, (b) => b.hi);
    this.bandInOrders = Uint8Array.from(bands, (b) => (b.unit === "order" ? 1 : 0));
  }

  /**
   * Spectrum of values[0..n) (NaN = excluded), then the power of each band into
   * out[offset + b]. rev holds [rateHz, revHz, mean] (slots SpectrumInput). With n < 2 every band
   * is NaN.
   */
  measure(values: Float64Array, n: number, rev: Float64Array, out: Float64Array, offset: number): void {
    const F = this.frameSize;
    const power = this.power;
    power.fill(0);
    const nb = this.bands.length;
    if (n < 2) {
      this.frames = 0;
      for (let b = 0; b < nb; b++) out[offset + b] = Number.NaN;
      return;
    }
    const frames = n <= F ? 1 : 1 + Math.ceil((n - F) / (F / 2));
    for (let j = 0; j < frames; j++) {
      const start = frames === 1 ? 0 : Math.round((j * (n - F)) / (frames - 1));
      this.addFrame(values, start, n < F ? n : F, rev);
    }
    this.frames = frames;
    const inv = 1 / frames;
    for (let k = 0; k <= F / 2; k++) power[k] *= inv;
    const df = rev[SpectrumInput.RATE_HZ] / F;
    const revHz = rev[SpectrumInput.REV_HZ];
    for (let b = 0; b < nb; b++) {
      const unit = this.bandInOrders[b] === 1 ? revHz : 1;
      let kLo = Math.ceil((this.bandLo[b] * unit) / df);
      const kHi = Math.min(F / 2, Math.ceil((this.bandHi[b] * unit) / df) - 1);
      if (kLo < 1) kLo = 1;
      let sum = 0;
      for (let k = kLo; k <= kHi; k++) sum += power[k];
      out[offset + b] = unit === unit ? sum : Number.NaN;
    }
  }

  /** Windows values[start, start + len) (len ≤ F; zero-padded), transforms, adds to power. */
  private addFrame(values: Float64Array, start: number, len: number, rev: Float64Array): void {
    const F = this.frameSize;
    const mean = rev[SpectrumInput.MEAN];
    const frame = this.frame;
    let wp = this.windowPower;
    if (len === F) {
      for (let i = 0; i < F; i++) {
        const v = values[start + i];
        frame[i] = v === v ? (v - mean) * this.window[i] : 0;
      }
    } else {
      wp = 0;
      for (let i = 0; i < len; i++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / len);
        wp += w * w;
        const v = values[start + i];
        frame[i] = v === v ? (v - mean) * w : 0;
      }
      for (let i = len; i < F; i++) frame[i] = 0;
    }
    const spec = this.spectrum;
    this.fft.realTransform(spec, frame);
    const scale = 2 / (F * wp);
    const power = this.power;
    for (let k = 1; k <= F / 2; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      power[k] += (k === F / 2 ? 0.5 : 1) * scale * (re * re + im * im);
    }
  }
}
