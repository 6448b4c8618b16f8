// Frame encoder, both directions: payload = header ‖ body ‖ crc, COBS-stuffed, then one 0x00.
// encodeFrameInto / encodeSamplesInto allocate nothing (a module scratch buffer holds the payload);
// encodeFrame returns a fresh Uint8Array. Out-of-range fields throw a RangeError naming the field:
// the encoder is fed by our own code (simulator, transport), so a bad field is a programming error.

import { cobsEncodeInto, cobsMaxEncodedLength } from "./cobs.ts";
import { crc16 } from "./crc16.ts";
import { CRC_BYTES, FrameType, HEADER_BYTES, MAX_PAYLOAD, PROTOCOL_VERSION, type Frame } from "./frames.ts";
import { SAMPLES_MAX_N, samplesBodyLength } from "./payload-check.ts";

/** Most bytes one encoded frame can take on the wire, delimiter included. */
export const MAX_FRAME_BYTES = cobsMaxEncodedLength(MAX_PAYLOAD) + 1;

const scratch = new Uint8Array(MAX_PAYLOAD);
const view = new DataView(scratch.buffer);

function checkInt(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`frame field ${field} = ${value} is outside ${min}..${max}`);
  }
  return value;
}
const u8 = (v: number, f: string) => checkInt(v, 0, 0xff, f);
const u16 = (v: number, f: string) => checkInt(v, 0, 0xffff, f);
const u32 = (v: number, f: string) => checkInt(v, 0, 0xffffffff, f);
const i16 = (v: number, f: string) => checkInt(v, -0x8000, 0x7fff, f);

function writeHeader(type: number, seq: number, tUs: number): void {
  scratch[0] = PROTOCOL_VERSION;
  scratch[1] = type;
  view.setUint16(2, u16(seq, "seq"), true);
  view.setUint32(4, u32(tUs, "t_us"), true);
}

/** Writes the body of a non-SAMPLES frame into scratch; returns the body length. */
function writeBody(frame: Frame): number {
  const b = HEADER_BYTES;
  switch (frame.type) {
    case "HELLO":
      scratch[b] = u8(frame.kind, "kind");
      scratch[b + 1] = u8(frame.fw_major, "fw_major");
      scratch[b + 2] = u8(frame.fw_minor, "fw_minor");
      scratch[b + 3] = u8(frame.channels, "channels");
      view.setUint32(b + 4, u32(frame.serial_no, "serial_no"), true);
      view.setUint16(b + 8, u16(frame.rate_hz, "rate_hz"), true);
      view.setFloat32(b + 10, frame.lsb, true);
      return 14;
    case "INDEX":
      view.setUint32(b, u32(frame.t_mark_us, "t_mark_us"), true);
      view.setUint32(b + 4, u32(frame.period_us, "period_us"), true);
      return 8;
    case "LATHE":
      scratch[b] = u8(frame.state, "state");
      view.setUint16(b + 1, u16(frame.rpm, "rpm"), true);
      view.setInt16(b + 3, i16(frame.tool_mm_x100, "tool_mm_x100"), true);
      scratch[b + 5] = u8(frame.flags, "flags");
      return 6;
    case "STATUS":
      scratch[b] = u8(frame.flags, "flags");
      view.setInt16(b + 1, i16(frame.temp_c_x100, "temp_c_x100"), true);
      view.setUint16(b + 3, u16(frame.dropped, "dropped"), true);
      return 5;
    case "ACK":
      scratch[b] = u8(frame.command_type, "command_type");
      scratch[b + 1] = u8(frame.result, "result");
      return 2;
    case "PING":
      return 0;
    case "STREAM":
      scratch[b] = u8(frame.on, "on");
      return 1;
    case "SET_RATE":
      view.setUint16(b, u16(frame.rate_hz, "rate_hz"), true);
      return 2;
    case "SAMPLES":
      throw new Error("unreachable: SAMPLES is encoded by encodeSamplesInto");
  }
}

/** Appends the crc, COBS-stuffs the payload and the delimiter into out; returns bytes written. */
function finish(payloadLen: number, out: Uint8Array, offset: number): number {
  const crc = crc16(scratch, 0, payloadLen);
  scratch[payloadLen] = crc & 0xff;
  scratch[payloadLen + 1] = crc >>> 8;
  const total = payloadLen + CRC_BYTES;
  const need = cobsMaxEncodedLength(total) + 1;
  if (!Number.isInteger(offset) || offset < 0 || offset + need > out.length) {
    throw new RangeError(`encode: needs up to ${need} bytes at offset ${offset}, buffer holds ${out.length}`);
  }
  const n = cobsEncodeInto(scratch, 0, total, out, offset);
  out[offset + n] = 0;
  return n + 1;
}

/**
 * Encodes one SAMPLES frame from raw[rawOffset, rawOffset + n × channels) (i16 values, interleaved
 * per sample) into out at offset. Returns bytes written (delimiter included). Allocation-free.
 */
export function encodeSamplesInto(
  seq: number,
  tUs: number,
  n: number,
  channels: number,
  raw: ArrayLike<number>,
  rawOffset: number,
  out: Uint8Array,
  offset: number,
): number {
  checkInt(n, 1, SAMPLES_MAX_N, "n");
  checkInt(channels, 1, 0xff, "channels");
  const count = n * channels;
  const payloadLen = HEADER_BYTES + samplesBodyLength(n, channels);
  if (payloadLen + CRC_BYTES > MAX_PAYLOAD) {
    throw new RangeError(`SAMPLES of ${n} × ${channels} needs ${payloadLen + CRC_BYTES} payload bytes, max ${MAX_PAYLOAD}`);
  }
  if (rawOffset < 0 || rawOffset + count > raw.length) {
    throw new RangeError(`SAMPLES raw needs ${count} values from ${rawOffset}, has ${raw.length}`);
  }
  writeHeader(FrameType.SAMPLES, seq, tUs);
  scratch[HEADER_BYTES] = n;
  scratch[HEADER_BYTES + 1] = channels;
  let p = HEADER_BYTES + 2;
  for (let i = 0; i < count; i++) {
    view.setInt16(p, i16(raw[rawOffset + i], "raw"), true);
    p += 2;
  }
  return finish(payloadLen, out, offset);
}

/** Encodes any frame into out at offset; returns bytes written (delimiter included). */
export function encodeFrameInto(frame: Frame, out: Uint8Array, offset: number): number {
  if (frame.type === "SAMPLES") {
    if (frame.raw.length !== frame.n * frame.channels) {
      throw new RangeError(`SAMPLES raw has ${frame.raw.length} values, n × channels = ${frame.n * frame.channels}`);
    }
    return encodeSamplesInto(frame.seq, frame.t_us, frame.n, frame.channels, frame.raw, 0, out, offset);
  }
  const code = FrameType[frame.type];
  if (code === undefined) throw new RangeError(`unknown frame type ${String((frame as { type: unknown }).type)}`);
  writeHeader(code, frame.seq, frame.t_us);
  const bodyLen = writeBody(frame);
  return finish(HEADER_BYTES + bodyLen, out, offset);
}

/** Encodes one frame into a new array: the COBS bytes and the trailing 0x00. */
export function encodeFrame(frame: Frame): Uint8Array {
  const buf = new Uint8Array(MAX_FRAME_BYTES);
  const n = encodeFrameInto(frame, buf, 0);
  return buf.slice(0, n);
}
