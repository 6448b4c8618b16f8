// Streaming, allocation-free decoder of one board's byte stream (or of the controller's commands).
//
// push() takes chunks of any size: a frame may be split anywhere and several may share a chunk.
// SAMPLES go into a preallocated SampleRing; every other frame reaches the sink as a call with plain
// number arguments. Nothing is allocated per frame and nothing throws out of push(): a bad frame is
// counted by reason (DecoderCounters) and decoding resumes after the next 0x00.
//
// Times in `times` and in the ring are on the unwrapped board timeline in µs (ClockUnwrap:
// raw = t mod 2^32).

import { cobsDecodeInto } from "./cobs.ts";
import { ClockUnwrap } from "./clock-unwrap.ts";
import { DecoderCounters, Total } from "./decoder-counters.ts";
import { MAX_ENCODED_BYTES } from "./decode-frame.ts";
import { DROP_REASONS, FrameType, HEADER_BYTES, type DropReason } from "./frames.ts";
import { CHECK_OK, DropCode, checkPayload } from "./payload-check.ts";
import { SampleRing } from "./sample-ring.ts";

/**
 * What a StreamDecoder reports. Every method is optional; all are called synchronously from push(),
 * with the frame's fields as small integers (HELLO's lsb is its f32 value).
 *
 * Times are not arguments: read them from `decoder.times` during the call — TIME_FRAME_US (the
 * header's t_us, unwrapped), TIME_MARK_US (INDEX's t_mark_us, unwrapped), TIME_RAW_US (t_us as
 * sent). Unwrapped times exceed V8's small-integer range, and V8 boxes a double argument (a 16-byte
 * heap number) whenever it does not inline the callee, so a time argument would allocate per frame.
 * The frame's seq is `decoder.lastSeq`.
 */
export interface FrameSink {
  /** HELLO. `reset` is true when it starts a new seq run (the board rebooted): a discontinuity. */
  onHello?(kind: number, fwMajor: number, fwMinor: number, channels: number, serialNo: number,
    rateHz: number, lsb: number, reset: boolean): void;
  /** SAMPLES: samples [firstSample, firstSample + n) are now in the ring (times in ring.timeUs). */
  onSamples?(firstSample: number, n: number, channels: number): void;
  /** INDEX: the hub mark is at times[TIME_MARK_US]; periodUs since the previous mark (0 for the first). */
  onIndex?(periodUs: number): void;
  onLathe?(state: number, rpm: number, toolMmX100: number, flags: number): void;
  onStatus?(flags: number, tempCx100: number, dropped: number): void;
  onAck?(commandType: number, result: number): void;
  /** A command (PING 0x81, STREAM 0x82, SET_RATE 0x83); arg = `on`, `rate_hz`, or 0 for PING. */
  onCommand?(type: number, arg: number, seq: number): void;
  /** A seq gap before the current frame: lostFrames frames are missing; samples are discontinuous. */
  onGap?(lostFrames: number, seq: number): void;
  /** A dropped frame (reason is one of the DROP_REASONS constants: no string is built). */
  onDrop?(reason: DropReason): void;
}

/** Slots of StreamDecoder.times. */
export const TIME_FRAME_US = 0;
export const TIME_MARK_US = 1;
export const TIME_RAW_US = 2;
const T_PREV_SAMPLES = 3;

export interface StreamDecoderOptions {
  /** Where samples go (default: a new SampleRing with the ring options below). */
  ring?: SampleRing;
  /** Samples per channel of the default ring (default 65536). */
  ringCapacity?: number;
  /** Channels of the default ring (default 3). */
  channels?: number;
  /** Sample rate assumed until a HELLO states one (default 0: inferred from SAMPLES frame spacing;
   *  until then only the first sample of a frame gets a time, the others NaN). */
  rateHz?: number;
  sink?: FrameSink;
}

const NO_SINK: FrameSink = {};

export class StreamDecoder {
  readonly ring: SampleRing;
  readonly counters = new DecoderCounters();
  readonly clock = new ClockUnwrap();
  sink: FrameSink;

  /** From the last HELLO (0 / NaN until one arrives). */
  kind = 0;
  serialNo = 0;
  channels = 0;
  lsb = Number.NaN;
  /** Sample rate in use: HELLO's, else the option, else inferred (0 while unknown). */
  rateHz: number;
  /** Continuity segment id written with each sample; +1 at every discontinuity. */
  segment = 0;
  /** Seq of the frame being dispatched (or the last one); -1 before the first. */
  lastSeq = -1;

  private readonly encoded = new Uint8Array(MAX_ENCODED_BYTES);
  private encodedLen = 0;
  private overlong = false;
  private readonly payload = new Uint8Array(MAX_ENCODED_BYTES);
  private readonly view = new DataView(this.payload.buffer);
  /** Times of the frame being dispatched (or the last one), µs: see TIME_FRAME_US, TIME_MARK_US,
   *  TIME_RAW_US. A typed array, so reading and writing them never allocates. */
  readonly times = new Float64Array(4);
  /** [first-sample time, sample period] handed to the ring. */
  private readonly timing = new Float64Array(2);
  private prevSamplesN = 0;
  private prevSamplesSegment = -1;

  constructor(options: StreamDecoderOptions = {}) {
    this.ring = options.ring ?? new SampleRing({ capacity: options.ringCapacity, channels: options.channels });
    this.rateHz = options.rateHz ?? 0;
    if (!(this.rateHz >= 0) || !Number.isFinite(this.rateHz)) {
      throw new RangeError(`StreamDecoder rateHz must be ≥ 0, got ${options.rateHz}`);
    }
    this.sink = options.sink ?? NO_SINK;
  }

  /** Feeds received bytes. Never throws, unless a sink callback does: that exception propagates
   *  (the rest of this chunk is not decoded) and the decoder stays usable for the next push. */
  push(chunk: Uint8Array): void {
    const len = chunk.length;
    this.counters.totals[Total.BYTES] += len;
    let i = 0;
    while (i < len) {
      const z = chunk.indexOf(0, i);
      if (z < 0) {
        this.stash(chunk, i, len);
        return;
      }
      if (this.encodedLen === 0 && !this.overlong) {
        this.run(chunk, i, z);
      } else {
        this.stash(chunk, i, z);
        const pending = this.encodedLen;
        const overlong = this.overlong;
        // Reset before dispatching, so that a sink that throws leaves the decoder consistent.
        this.encodedLen = 0;
        this.overlong = false;
        if (overlong) this.drop(DropCode.length);
        else this.run(this.encoded, 0, pending);
      }
      i = z + 1;
    }
  }

  /** Bytes of an unfinished frame waiting for their 0x00. */
  pendingBytes(): number {
    return this.encodedLen;
  }

  private stash(src: Uint8Array, from: number, to: number): void {
    if (this.overlong) return;
    if (this.encodedLen + (to - from) > MAX_ENCODED_BYTES) {
      this.overlong = true;
      return;
    }
    let w = this.encodedLen;
    for (let r = from; r < to; r++) this.encoded[w++] = src[r];
    this.encodedLen = w;
  }

  /** One delimited run src[start, end). */
  private run(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n === 0) {
      this.counters.totals[Total.IDLE_DELIMITERS]++;
      return;
    }
    if (n > MAX_ENCODED_BYTES) {
      this.drop(DropCode.length);
      return;
    }
    const len = cobsDecodeInto(src, start, end, this.payload);
    if (len < 0) {
      this.drop(DropCode.cobs);
      return;
    }
    const code = checkPayload(this.payload, len);
    if (code !== CHECK_OK) {
      this.drop(code);
      return;
    }
    this.dispatch();
  }

  private drop(code: number): void {
    this.counters.droppedByReason[code]++;
    this.sink.onDrop?.(DROP_REASONS[code]);
  }

  /** times[TIME_RAW_US]: raw header t_us (u32, as sent) of the frame being dispatched. */
  get lastRawTUs(): number {
    return this.times[TIME_RAW_US];
  }

  private dispatch(): void {
    const p = this.payload;
    const v = this.view;
    const t = this.times;
    const type = p[1];
    const seq = p[2] | (p[3] << 8);
    const c = this.counters;
    c.totals[Total.FRAMES_OK]++;
    c.okByType[type]++;
    const isReset = type === FrameType.HELLO && this.trackSeqHello(seq);
    if (!isReset && type !== FrameType.HELLO) this.trackSeq(seq);
    this.lastSeq = seq;
    t[TIME_RAW_US] = v.getUint32(4, true);
    const sink = this.sink;
    const b = HEADER_BYTES;
    if (type < 0x80) this.clock.unwrapLE(p, 4, true, t, TIME_FRAME_US);
    switch (type) {
      case FrameType.SAMPLES:
        this.samples(p[b], p[b + 1]);
        return;
      case FrameType.INDEX:
        this.clock.unwrapLE(p, b, false, t, TIME_MARK_US);
        sink.onIndex?.(v.getUint32(b + 4, true));
        return;
      case FrameType.LATHE:
        sink.onLathe?.(p[b], v.getUint16(b + 1, true), v.getInt16(b + 3, true), p[b + 5]);
        return;
      case FrameType.STATUS:
        sink.onStatus?.(p[b], v.getInt16(b + 1, true), v.getUint16(b + 3, true));
        return;
      case FrameType.ACK:
        sink.onAck?.(p[b], p[b + 1]);
        return;
      case FrameType.HELLO:
        this.hello(isReset);
        return;
      case FrameType.PING:
        sink.onCommand?.(type, 0, seq);
        return;
      case FrameType.STREAM:
        sink.onCommand?.(type, p[b], seq);
        return;
      default: // SET_RATE (checkPayload admits no other type)
        sink.onCommand?.(type, v.getUint16(b, true), seq);
    }
  }

  /** Seq bookkeeping for any frame but HELLO. */
  private trackSeq(seq: number): void {
    if (this.lastSeq >= 0) {
      const expected = (this.lastSeq + 1) & 0xffff;
      if (seq !== expected) {
        const lost = (seq - expected) & 0xffff;
        this.counters.totals[Total.GAPS]++;
        this.counters.totals[Total.LOST_FRAMES] += lost;
        this.segment++;
        this.sink.onGap?.(lost, seq);
      }
    }
  }

  /** Seq bookkeeping for HELLO; returns true when it marks a board reset (seq back to 0). */
  private trackSeqHello(seq: number): boolean {
    if (this.lastSeq >= 0 && seq === 0 && this.lastSeq !== 0xffff) {
      this.counters.totals[Total.RESETS]++;
      this.segment++;
      return true;
    }
    this.trackSeq(seq);
    return false;
  }

  private hello(reset: boolean): void {
    const p = this.payload;
    const v = this.view;
    const b = HEADER_BYTES;
    const rate = v.getUint16(b + 8, true);
    if (rate !== this.rateHz && this.counters.samples > 0 && !reset) this.segment++;
    this.kind = p[b];
    this.channels = p[b + 3];
    this.serialNo = v.getUint32(b + 4, true);
    this.rateHz = rate;
    this.lsb = v.getFloat32(b + 10, true);
    this.sink.onHello?.(p[b], p[b + 1], p[b + 2], p[b + 3], this.serialNo, rate, this.lsb, reset);
  }

  private samples(n: number, channels: number): void {
    const t = this.times;
    const tUs = t[TIME_FRAME_US];
    if (this.rateHz === 0 && this.prevSamplesSegment === this.segment && tUs > t[T_PREV_SAMPLES]) {
      this.rateHz = (this.prevSamplesN * 1e6) / (tUs - t[T_PREV_SAMPLES]);
    }
    t[T_PREV_SAMPLES] = tUs;
    this.prevSamplesN = n;
    this.prevSamplesSegment = this.segment;
    const timing = this.timing;
    timing[0] = tUs;
    timing[1] = 1e6 / this.rateHz; // Infinity while the rate is unknown: the ring stores NaN times
    const first = this.ring.writeInterleaved(this.payload, HEADER_BYTES + 2, n, channels, timing, this.segment);
    this.counters.totals[Total.SAMPLES] += n;
    this.sink.onSamples?.(first, n, channels);
  }
}
