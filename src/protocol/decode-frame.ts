// Decodes one complete frame into a Frame object. For tests, tools and command handling; the
// controller's hot path uses StreamDecoder instead (no object per frame). Never throws.

import { cobsDecodeInto } from "./cobs.ts";
import { DROP_REASONS, FrameType, HEADER_BYTES, MAX_PAYLOAD, type DropReason, type Frame } from "./frames.ts";
import { CHECK_OK, checkPayload } from "./payload-check.ts";

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; reason: DropReason };

/** Longest COBS run a valid payload can take (254 bytes, plus a tolerated trailing empty block). */
export const MAX_ENCODED_BYTES = MAX_PAYLOAD + 2;

/**
 * Decodes one frame: its COBS bytes, with or without the trailing 0x00 delimiter. A 0x00 anywhere
 * else fails as "cobs"; a run longer than MAX_ENCODED_BYTES, which cannot hold a payload of a valid
 * length, fails as "length" (as in StreamDecoder, which cannot buffer it).
 */
export function decodeFrame(bytes: Uint8Array): DecodeResult {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0) end--;
  if (end > MAX_ENCODED_BYTES) return { ok: false, reason: "length" };
  const zero = bytes.indexOf(0);
  if (zero >= 0 && zero < end) return { ok: false, reason: "cobs" };
  const payload = new Uint8Array(MAX_ENCODED_BYTES);
  const len = cobsDecodeInto(bytes, 0, end, payload);
  if (len < 0) return { ok: false, reason: "cobs" };
  const code = checkPayload(payload, len);
  if (code !== CHECK_OK) return { ok: false, reason: DROP_REASONS[code] };
  return { ok: true, frame: readFrame(payload) };
}

/** Builds the Frame of a payload that passed checkPayload. */
function readFrame(p: Uint8Array): Frame {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const seq = v.getUint16(2, true);
  const t_us = v.getUint32(4, true);
  const b = HEADER_BYTES;
  switch (p[1]) {
    case FrameType.HELLO:
      return {
        type: "HELLO", seq, t_us,
        kind: p[b], fw_major: p[b + 1], fw_minor: p[b + 2], channels: p[b + 3],
        serial_no: v.getUint32(b + 4, true), rate_hz: v.getUint16(b + 8, true), lsb: v.getFloat32(b + 10, true),
      };
    case FrameType.SAMPLES: {
      const n = p[b];
      const channels = p[b + 1];
      const raw = new Int16Array(n * channels);
      for (let i = 0; i < raw.length; i++) raw[i] = v.getInt16(b + 2 + 2 * i, true);
      return { type: "SAMPLES", seq, t_us, n, channels, raw };
    }
    case FrameType.INDEX:
      return { type: "INDEX", seq, t_us, t_mark_us: v.getUint32(b, true), period_us: v.getUint32(b + 4, true) };
    case FrameType.LATHE:
      return {
        type: "LATHE", seq, t_us,
        state: p[b], rpm: v.getUint16(b + 1, true), tool_mm_x100: v.getInt16(b + 3, true), flags: p[b + 5],
      };
    case FrameType.STATUS:
      return { type: "STATUS", seq, t_us, flags: p[b], temp_c_x100: v.getInt16(b + 1, true), dropped: v.getUint16(b + 3, true) };
    case FrameType.ACK:
      return { type: "ACK", seq, t_us, command_type: p[b], result: p[b + 1] };
    case FrameType.PING:
      return { type: "PING", seq, t_us };
    case FrameType.STREAM:
      return { type: "STREAM", seq, t_us, on: p[b] };
    default: // SET_RATE: checkPayload admits no other type
      return { type: "SET_RATE", seq, t_us, rate_hz: v.getUint16(b, true) };
  }
}

