// Unwraps the boards' 32-bit µs clock (wraps every 2^32 µs ≈ 71.6 min) onto one continuous timeline.
//
// Each raw time is placed on the wrap period that puts it nearest the reference (the last header
// time that advanced it), so times that interleave — a SAMPLES frame's first-sample time, an INDEX
// mark later than its frame's t_us, frames of another kind built slightly earlier — unwrap correctly
// as long as they lie within ±2^31 µs (≈ 35 min) of the reference. The first raw time seen is taken
// as is, so unwrapped = raw + k × 2^32 for an integer k and `raw = unwrapped mod 2^32` always holds.
//
// Allocation: V8 boxes a double passed to or returned from a call it did not inline (a 16-byte heap
// number), so the hot-path form (unwrapLE) takes the raw time as bytes and writes its result into a
// caller's Float64Array.

const WRAP = 4294967296;
const HALF = 2147483648;
const REF = 0;
const STARTED = 1;
const WRAPS = 2;

export class ClockUnwrap {
  /** [reference µs, started (0/1), wraps] kept in a typed array so updates never allocate. */
  private readonly state = new Float64Array(3);

  /** Times the reference crossed a wrap (forward minus backward). */
  get wraps(): number {
    return this.state[WRAPS];
  }

  private readonly scratch = new Uint8Array(4);
  private readonly result = new Float64Array(1);

  /** Unwrapped time in µs of `raw` (a u32); when `advance`, it becomes the new reference.
   *  Convenience form for tools and tests; the decoder uses unwrapLE. */
  unwrap(raw: number, advance: boolean): number {
    const b = this.scratch;
    b[0] = raw;
    b[1] = raw >>> 8;
    b[2] = raw >>> 16;
    b[3] = raw >>> 24;
    this.unwrapLE(b, 0, advance, this.result, 0);
    return this.result[0];
  }

  /** Unwraps the little-endian u32 at bytes[offset…offset + 4) into out[outIndex]. No double crosses
   *  a call boundary, so nothing is boxed even when V8 does not inline this. */
  unwrapLE(bytes: Uint8Array, offset: number, advance: boolean, out: Float64Array, outIndex: number): void {
    const raw = (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    const s = this.state;
    if (s[STARTED] === 0) {
      if (advance) {
        s[STARTED] = 1;
        s[REF] = raw;
      }
      out[outIndex] = raw;
      return;
    }
    const ref = s[REF];
    const refPeriod = Math.floor(ref / WRAP);
    let d = raw - (ref - refPeriod * WRAP);
    if (d > HALF) d -= WRAP;
    else if (d < -HALF) d += WRAP;
    const t = ref + d;
    if (advance) {
      const period = Math.floor(t / WRAP);
      if (period !== refPeriod) s[WRAPS] += period > refPeriod ? 1 : -1;
      s[REF] = t;
    }
    out[outIndex] = t;
  }

  /** Forgets the timeline: the next advancing time is taken as is. */
  reset(): void {
    this.state.fill(0);
  }
}
