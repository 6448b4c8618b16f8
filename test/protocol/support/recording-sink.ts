// A test sink that rebuilds Frame objects from a StreamDecoder's callbacks and ring, so the
// streaming decoder's output can be compared with decodeFrame's or with the encoder's input.
import type { DropReason, Frame } from "../../../src/protocol/frames.ts";
import { TIME_FRAME_US, TIME_MARK_US, TIME_RAW_US, type FrameSink, type StreamDecoder } from "../../../src/protocol/stream-decoder.ts";

const WRAP = 4294967296;
const raw32 = (t: number) => ((t % WRAP) + WRAP) % WRAP;

export interface Recorded {
  frames: Frame[];
  drops: DropReason[];
  gaps: number[];
  resets: number;
}

export function recordInto(decoder: StreamDecoder): Recorded {
  const rec: Recorded = { frames: [], drops: [], gaps: [], resets: 0 };
  const hdr = () => ({ seq: decoder.lastSeq, t_us: decoder.lastRawTUs });
  const frameTime = () => {
    expectSameTime(decoder.times[TIME_FRAME_US], decoder.times[TIME_RAW_US]);
    return hdr();
  };
  const sink: FrameSink = {
    onHello(kind, fw_major, fw_minor, channels, serial_no, rate_hz, lsb, reset) {
      if (reset) rec.resets++;
      rec.frames.push({ type: "HELLO", ...frameTime(), kind, fw_major, fw_minor, channels, serial_no, rate_hz, lsb });
    },
    onSamples(first, n, channels) {
      const ring = decoder.ring;
      expectSameTime(ring.timeUs[ring.slot(first)], decoder.lastRawTUs);
      const raw: number[] = [];
      for (let i = first; i < first + n; i++) {
        for (let c = 0; c < channels; c++) raw.push(c < ring.channels ? ring.values[c][ring.slot(i)] : Number.NaN);
      }
      rec.frames.push({ type: "SAMPLES", ...frameTime(), n, channels, raw });
    },
    onIndex(period_us) {
      rec.frames.push({ type: "INDEX", ...frameTime(), t_mark_us: raw32(decoder.times[TIME_MARK_US]), period_us });
    },
    onLathe(state, rpm, tool_mm_x100, flags) {
      rec.frames.push({ type: "LATHE", ...frameTime(), state, rpm, tool_mm_x100, flags });
    },
    onStatus(flags, temp_c_x100, dropped) {
      rec.frames.push({ type: "STATUS", ...frameTime(), flags, temp_c_x100, dropped });
    },
    onAck(command_type, result) {
      rec.frames.push({ type: "ACK", ...frameTime(), command_type, result });
    },
    onCommand(type, arg, seq) {
      const t_us = decoder.lastRawTUs;
      if (type === 0x81) rec.frames.push({ type: "PING", seq, t_us });
      else if (type === 0x82) rec.frames.push({ type: "STREAM", seq, t_us, on: arg });
      else rec.frames.push({ type: "SET_RATE", seq, t_us, rate_hz: arg });
    },
    onGap(lost) {
      rec.gaps.push(lost);
    },
    onDrop(reason) {
      rec.drops.push(reason);
    },
  };
  decoder.sink = sink;
  return rec;
}

function expectSameTime(unwrapped: number, raw: number): void {
  if (raw32(unwrapped) !== raw) throw new Error(`unwrapped time ${unwrapped} does not reduce to raw ${raw}`);
}

/** A frame with array-like fields turned into plain arrays (for toEqual). */
export function plain(frame: Frame): Frame {
  return frame.type === "SAMPLES" ? { ...frame, raw: Array.from(frame.raw) } : frame;
}
