// Preallocated ring of one board's samples: board time, raw counts per channel, saturation flags and
// a segment id per sample. The stream decoder is the only writer; readers follow `written`.
//
// Ownership and lifetime: sample number i (0-based, counted since construction) lives in slot
// i % capacity until `written - i > capacity`, when it has been overwritten. Read a range
// [from, written) with from ≥ oldest(). All arrays are allocated once, in the constructor.

/** Raw values the sensor sends when over range: such a sample is not a measurement. */
export const RAW_SAT_HIGH = 32767;
export const RAW_SAT_LOW = -32768;

export function isSaturatedRaw(raw: number): boolean {
  return raw === RAW_SAT_HIGH || raw === RAW_SAT_LOW;
}

export interface SampleRingOptions {
  /** Samples kept per channel (default 65536: 20 s of VIB at 3200 Hz, 65 s of RUN). */
  capacity?: number;
  /** Channels stored per sample (default 3, the VIB board's; RUN uses channel 0). */
  channels?: number;
}

export class SampleRing {
  readonly capacity: number;
  readonly channels: number;
  /** Unwrapped board time of each sample, µs (NaN when the sample rate was not yet known). */
  readonly timeUs: Float64Array;
  /** Raw i16 counts, one array per channel; physical value = raw × lsb from the board's HELLO. */
  readonly values: Int16Array[];
  /** Bit c set: channel c of this sample is saturated (raw 32767 or −32768). */
  readonly saturation: Uint8Array;
  /** Continuity segment of each sample: it changes at every seq gap, board reset or rate change,
   *  so two samples are continuous only when their segment ids are equal. */
  readonly segment: Uint32Array;
  /** [written, saturatedValues]: counts that outgrow V8's small integers over a long run, kept in a
   *  typed array because a double stored in an object field may allocate. */
  private readonly counts = new Float64Array(2);
  /** Samples written since construction (monotonic; the next sample's number). */
  get written(): number {
    return this.counts[0];
  }
  /** Saturated channel values written since construction. */
  get saturatedValues(): number {
    return this.counts[1];
  }

  constructor(options: SampleRingOptions = {}) {
    const capacity = options.capacity ?? 65536;
    const channels = options.channels ?? 3;
    if (!Number.isInteger(capacity) || capacity < 32) {
      throw new RangeError(`SampleRing capacity must be an integer ≥ 32, got ${capacity}`);
    }
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) {
      throw new RangeError(`SampleRing channels must be an integer in 1..8, got ${channels}`);
    }
    this.capacity = capacity;
    this.channels = channels;
    this.timeUs = new Float64Array(capacity);
    this.values = Array.from({ length: channels }, () => new Int16Array(capacity));
    this.saturation = new Uint8Array(capacity);
    this.segment = new Uint32Array(capacity);
  }

  /** Number of the oldest sample still held. */
  oldest(): number {
    return this.written > this.capacity ? this.written - this.capacity : 0;
  }

  /** Sample period unknown (NaN or infinite): only each frame's first sample has a time. */
  private unknownPeriod(first: number, n: number, t0Us: number): void {
    for (let k = 0; k < n; k++) this.timeUs[(first + k) % this.capacity] = Number.NaN;
    this.timeUs[first % this.capacity] = t0Us;
  }

  /** Slot of sample number i (valid for oldest() ≤ i < written). */
  slot(i: number): number {
    return i % this.capacity;
  }

  /**
   * Appends n samples of `frameChannels` interleaved little-endian i16 values read from
   * bytes[offset…]: sample k at timing[0] + k × timing[1] (first-sample time and sample period, µs;
   * passed in a Float64Array because V8 boxes double arguments of calls it does not inline). A period
   * that is NaN or infinite means unknown: samples after the first get NaN times.
   * Channels beyond this ring's are skipped, missing ones stored as 0. Returns the number of the
   * first sample written. Allocation-free.
   */
  writeInterleaved(
    bytes: Uint8Array,
    offset: number,
    n: number,
    frameChannels: number,
    timing: Float64Array,
    segment: number,
  ): number {
    const t0Us = timing[0];
    const dtUs = timing[1];
    const first = this.written;
    const cap = this.capacity;
    const stored = frameChannels < this.channels ? frameChannels : this.channels;
    const startSlot = first % cap;
    const timeUs = this.timeUs;
    const segments = this.segment;
    const saturation = this.saturation;
    let slot = startSlot;
    for (let k = 0; k < n; k++) {
      // One expression, no branch: a conditional here made V8 box each time into a heap number.
      timeUs[slot] = t0Us + k * dtUs;
      segments[slot] = segment;
      saturation[slot] = 0;
      if (++slot === cap) slot = 0;
    }
    // Channel by channel: tight loops with the destination array hoisted.
    const stride = 2 * frameChannels;
    let saturated = 0;
    for (let c = 0; c < this.channels; c++) {
      const dst = this.values[c];
      slot = startSlot;
      if (c >= stored) {
        for (let k = 0; k < n; k++) {
          dst[slot] = 0;
          if (++slot === cap) slot = 0;
        }
        continue;
      }
      const bit = 1 << c;
      let p = offset + 2 * c;
      for (let k = 0; k < n; k++) {
        const raw = ((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16;
        dst[slot] = raw;
        if (raw === RAW_SAT_HIGH || raw === RAW_SAT_LOW) {
          saturation[slot] |= bit;
          saturated++;
        }
        p += stride;
        if (++slot === cap) slot = 0;
      }
    }
    if (saturated > 0) this.counts[1] += saturated;
    if (!(dtUs < Infinity)) this.unknownPeriod(first, n, t0Us);
    this.counts[0] = first + n;
    return first;
  }
}
