// Counters kept by a StreamDecoder. Plain numbers and typed arrays, updated in place (no allocation).
//
// Accounting identity, for everything pushed so far (up to the last 0x00 seen):
//   framesOk + droppedTotal() = delimited runs of at least one byte
//   framesOk + droppedTotal() + idleDelimiters = 0x00 bytes seen
// An empty run (two 0x00 in a row, or a 0x00 at the very start) holds no frame: it is counted in
// idleDelimiters, not as a dropped frame.

import { DROP_REASONS, FrameType, type DropReason, type FrameTypeName } from "./frames.ts";
import { DropCode } from "./payload-check.ts";

/** Slots of DecoderCounters.totals (written by StreamDecoder). */
export const Total = {
  BYTES: 0,
  FRAMES_OK: 1,
  IDLE_DELIMITERS: 2,
  LOST_FRAMES: 3,
  GAPS: 4,
  RESETS: 5,
  SAMPLES: 6,
} as const;

export class DecoderCounters {
  /** The scalar counters, in a typed array: they outgrow V8's small integers (bytes after 1 GiB)
   *  and a double stored in an object field may then allocate. Read them through the getters. */
  readonly totals = new Float64Array(7);
  /** Bytes pushed. */
  get bytes(): number {
    return this.totals[Total.BYTES];
  }
  /** Frames that passed every check, all types. */
  get framesOk(): number {
    return this.totals[Total.FRAMES_OK];
  }
  /** Empty runs between delimiters (not frames). */
  get idleDelimiters(): number {
    return this.totals[Total.IDLE_DELIMITERS];
  }
  /** Frames missing according to seq gaps (not counting a board reset). */
  get lostFrames(): number {
    return this.totals[Total.LOST_FRAMES];
  }
  /** Seq gaps seen (each is a discontinuity). */
  get gaps(): number {
    return this.totals[Total.GAPS];
  }
  /** Board resets seen: a HELLO whose seq restarted at 0 out of sequence. */
  get resets(): number {
    return this.totals[Total.RESETS];
  }
  /** Samples written to the ring. */
  get samples(): number {
    return this.totals[Total.SAMPLES];
  }
  /** OK frames per type code (index = the frame's type byte). */
  readonly okByType = new Float64Array(256);
  /** Dropped frames per reason (index = DropCode). */
  readonly droppedByReason = new Float64Array(DROP_REASONS.length);

  ok(type: FrameTypeName): number {
    return this.okByType[FrameType[type]];
  }

  dropped(reason: DropReason): number {
    return this.droppedByReason[DropCode[reason]];
  }

  droppedTotal(): number {
    let sum = 0;
    for (let i = 0; i < this.droppedByReason.length; i++) sum += this.droppedByReason[i];
    return sum;
  }

  /** A plain copy for logs and tests (allocates; not for the hot path). */
  snapshot(): CountersSnapshot {
    const ok = {} as Record<FrameTypeName, number>;
    for (const name of Object.keys(FrameType) as FrameTypeName[]) ok[name] = this.ok(name);
    const dropped = {} as Record<DropReason, number>;
    for (const reason of DROP_REASONS) dropped[reason] = this.dropped(reason);
    return {
      bytes: this.bytes,
      framesOk: this.framesOk,
      idleDelimiters: this.idleDelimiters,
      lostFrames: this.lostFrames,
      gaps: this.gaps,
      resets: this.resets,
      samples: this.samples,
      ok,
      dropped,
    };
  }
}

export interface CountersSnapshot {
  bytes: number;
  framesOk: number;
  idleDelimiters: number;
  lostFrames: number;
  gaps: number;
  resets: number;
  samples: number;
  ok: Record<FrameTypeName, number>;
  dropped: Record<DropReason, number>;
}
