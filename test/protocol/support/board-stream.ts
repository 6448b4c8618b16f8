// Realistic byte streams of the two boards, built with our encoder (for tests and the benchmark).
// VIB: HELLO, then SAMPLES of 32 × 3 channels at 3200 Hz, STATUS once a second.
// RUN: HELLO, then SAMPLES of 20 × 1 channel at 1000 Hz, INDEX once a revolution (rpm jitters
// around 150), LATHE on every state change and once a second, STATUS once a second.
// Deterministic from the seed.
import { MAX_FRAME_BYTES, encodeFrameInto, encodeSamplesInto } from "../../../src/protocol/encode.ts";
import type { Frame } from "../../../src/protocol/frames.ts";
import { mulberry32 } from "../../support/mulberry32.ts";

export { mulberry32 };

export interface BoardStream {
  bytes: Uint8Array;
  /** Every frame as encoded, in order (for comparisons). */
  frames: Frame[];
  /** Byte offset where each frame starts (frames[i] is bytes[starts[i], starts[i + 1])). */
  starts: number[];
  samples: number;
}

export interface StreamOptions {
  seconds: number;
  seed: number;
  /** Board clock (u32 µs) at the start; choose near 2^32 to cross a wrap. */
  startUs?: number;
  /** Put saturated samples in now and then (default true). */
  saturation?: boolean;
}

const WRAP = 4294967296;

class Writer {
  bytes: Uint8Array;
  len = 0;
  frames: Frame[] = [];
  starts: number[] = [];
  seq = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  room(): void {
    if (this.len + MAX_FRAME_BYTES > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes.subarray(0, this.len));
      this.bytes = grown;
    }
  }
  frame(f: Frame): void {
    this.room();
    this.starts.push(this.len);
    this.frames.push(f);
    this.len += encodeFrameInto(f, this.bytes, this.len);
    this.seq = (this.seq + 1) & 0xffff;
  }
  finish(samples: number): BoardStream {
    return { bytes: this.bytes.slice(0, this.len), frames: this.frames, starts: this.starts, samples };
  }
}

export function vibStream(o: StreamOptions): BoardStream {
  const rnd = mulberry32(o.seed);
  const w = new Writer(Math.ceil(o.seconds * 21000) + 1024);
  let t = o.startUs ?? 1000;
  const at = (us: number) => Math.round(us) % WRAP;
  w.frame({ type: "HELLO", seq: w.seq, t_us: at(t), kind: 1, fw_major: 1, fw_minor: 3, channels: 3, serial_no: 12648430, rate_hz: 3200, lsb: Math.fround(0.0039) });
  const frameUs = (32 * 1e6) / 3200;
  const frames = Math.floor((o.seconds * 3200) / 32);
  let samples = 0;
  for (let f = 0; f < frames; f++) {
    const raw = new Int16Array(96);
    for (let k = 0; k < 32; k++) {
      const s = (f * 32 + k) / 3200;
      for (let c = 0; c < 3; c++) {
        const g = 0.3 * Math.sin(2 * Math.PI * (37 + 11 * c) * s) + 0.012 * (rnd() + rnd() + rnd() - 1.5) * 2;
        raw[k * 3 + c] = Math.max(-32768, Math.min(32767, Math.round(g / 0.0039)));
      }
      if (o.saturation !== false && rnd() < 0.0005) raw[k * 3 + Math.floor(rnd() * 3)] = rnd() < 0.5 ? 32767 : -32768;
    }
    w.frame({ type: "SAMPLES", seq: w.seq, t_us: at(t), n: 32, channels: 3, raw });
    samples += 32;
    t += frameUs;
    if (f % 100 === 99) w.frame({ type: "STATUS", seq: w.seq, t_us: at(t + 120), flags: 0, temp_c_x100: 3150 + Math.round(rnd() * 40), dropped: 0 });
  }
  return w.finish(samples);
}

export function runStream(o: StreamOptions): BoardStream {
  const rnd = mulberry32(o.seed ^ 0x5eed);
  const w = new Writer(Math.ceil(o.seconds * 3200) + 1024);
  const start = o.startUs ?? 1000;
  const at = (us: number) => Math.round(us) % WRAP;
  w.frame({ type: "HELLO", seq: w.seq, t_us: at(start), kind: 2, fw_major: 2, fw_minor: 0, channels: 1, serial_no: 4242, rate_hz: 1000, lsb: Math.fround(0.1) });
  const frames = Math.floor((o.seconds * 1000) / 20);
  let nextMark = start + 137_000;
  let lastMark = -1;
  let nextLathe = start + 5_000;
  let state = 0;
  let samples = 0;
  let phase = 0;
  for (let f = 0; f < frames; f++) {
    const t0 = start + f * 20_000;
    const raw = new Int16Array(20);
    for (let k = 0; k < 20; k++) {
      phase += (2 * Math.PI * 2.5) / 1000;
      const um = 25 * Math.sin(phase) + 6 * Math.sin(2 * phase + 1) + 0.4 * (rnd() + rnd() + rnd() - 1.5) * 2;
      raw[k] = Math.round(um / 0.1);
      if (o.saturation !== false && rnd() < 0.0005) raw[k] = 32767;
    }
    w.frame({ type: "SAMPLES", seq: w.seq, t_us: at(t0), n: 20, channels: 1, raw });
    samples += 20;
    const built = t0 + 20_000;
    // INDEX of any mark that fell during this frame; its frame is built after the mark.
    while (nextMark < built) {
      const period = lastMark < 0 ? 0 : Math.round(nextMark - lastMark);
      w.frame({ type: "INDEX", seq: w.seq, t_us: at(built), t_mark_us: at(nextMark), period_us: period });
      lastMark = nextMark;
      nextMark += 400_000 * (1 + 0.01 * (rnd() - 0.5));
    }
    if (built >= nextLathe) {
      if (rnd() < 0.2) state = (state + 1) % 4;
      w.frame({ type: "LATHE", seq: w.seq, t_us: at(built), state, rpm: 150, tool_mm_x100: state === 2 ? Math.round(rnd() * 6000) : 0, flags: state > 0 ? 1 : 0 });
      w.frame({ type: "STATUS", seq: w.seq, t_us: at(built + 50), flags: 0, temp_c_x100: 2890, dropped: 0 });
      nextLathe += 1_000_000;
    }
  }
  return w.finish(samples);
}
