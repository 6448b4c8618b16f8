// Unwraps the boards' 32-bit µs clock (wraps every 2^32 µs ≈ 71.6 min) onto one continuous timeline.
//
// Each raw time is placed on the wrap period that puts it nearest the reference (the last header
// time that advanced it), so times that interleave — a SAMPLES frame's first-sample time, an INDEX
// mark later than its frame's t_us, frames of another kind built slightly earlier — unwrap correctly
// as long as they lie within ±2^31 µs (≈ 35 min) of the reference. The first raw time seen is taken
// as is, so unwrapped = raw + k × 2^32 for an integer k and `raw = unwrapped mod 2^32` always holds.

const WRAP = 4294967296;
const HALF = 2147483648;

export class ClockUnwrap {
  private ref = 0;
  private started = false;
  /** Number of times the reference crossed a wrap (forward minus backward). */
  wraps = 0;

  /** Unwrapped time in µs of `raw` (a u32); when `advance`, it becomes the new reference. */
  unwrap(raw: number, advance: boolean): number {
    if (!this.started) {
      if (advance) {
        this.started = true;
        this.ref = raw;
      }
      return raw;
    }
    const refMod = this.ref - Math.floor(this.ref / WRAP) * WRAP;
    let d = raw - refMod;
    if (d > HALF) d -= WRAP;
    else if (d < -HALF) d += WRAP;
    const t = this.ref + d;
    if (advance) {
      if (Math.floor(t / WRAP) !== Math.floor(this.ref / WRAP)) this.wraps += t > this.ref ? 1 : -1;
      this.ref = t;
    }
    return t;
  }

  /** Forgets the timeline: the next advancing time is taken as is. */
  reset(): void {
    this.started = false;
    this.ref = 0;
    this.wraps = 0;
  }
}
