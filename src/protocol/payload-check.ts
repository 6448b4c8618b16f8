// Validation of one decoded payload (header ‖ body ‖ crc), shared by decodeFrame and StreamDecoder.
// The checks run in the datasheet's order: short, crc, version, type, length (cobs is checked by the
// caller while un-stuffing). The result is an index into DROP_REASONS, or CHECK_OK.

import { crc16 } from "./crc16.ts";
import { CRC_BYTES, DROP_REASONS, FrameType, HEADER_BYTES, PROTOCOL_VERSION, type DropReason } from "./frames.ts";

export const CHECK_OK = -1;
/** Index of each drop reason in DROP_REASONS (and in the decoders' per-reason counters). */
export const DropCode = {
  cobs: 0,
  short: 1,
  crc: 2,
  version: 3,
  type: 4,
  length: 5,
} as const satisfies Record<DropReason, number>;

if (DROP_REASONS.some((r, i) => DropCode[r] !== i)) throw new Error("DropCode out of step with DROP_REASONS");

/** Smallest valid payload: header and crc with an empty body. */
export const MIN_PAYLOAD = HEADER_BYTES + CRC_BYTES;
export const SAMPLES_MAX_N = 32;

/** Fixed body length of each type; SAMPLES (-1) is variable and checked separately. */
const FIXED_BODY = new Int16Array(256).fill(-2);
FIXED_BODY[FrameType.HELLO] = 14;
FIXED_BODY[FrameType.SAMPLES] = -1;
FIXED_BODY[FrameType.INDEX] = 8;
FIXED_BODY[FrameType.LATHE] = 6;
FIXED_BODY[FrameType.STATUS] = 5;
FIXED_BODY[FrameType.ACK] = 2;
FIXED_BODY[FrameType.PING] = 0;
FIXED_BODY[FrameType.STREAM] = 1;
FIXED_BODY[FrameType.SET_RATE] = 2;

export function isKnownType(type: number): boolean {
  return FIXED_BODY[type & 0xff] !== -2;
}

/** Body length a frame of `type` must have, or -1 for SAMPLES (depends on n and channels). */
export function fixedBodyLength(type: number): number {
  return FIXED_BODY[type & 0xff];
}

/** Body length of a SAMPLES frame of n samples × channels. */
export function samplesBodyLength(n: number, channels: number): number {
  return 2 + n * channels * 2;
}

/** Checks payload[0, len). Returns CHECK_OK or a DropCode. Allocation-free. */
export function checkPayload(payload: Uint8Array, len: number): number {
  if (len < MIN_PAYLOAD) return DropCode.short;
  const crcAt = len - CRC_BYTES;
  const sent = payload[crcAt] | (payload[crcAt + 1] << 8);
  if (crc16(payload, 0, crcAt) !== sent) return DropCode.crc;
  if (payload[0] !== PROTOCOL_VERSION) return DropCode.version;
  const type = payload[1];
  const fixed = FIXED_BODY[type];
  if (fixed === -2) return DropCode.type;
  const bodyLen = crcAt - HEADER_BYTES;
  if (fixed >= 0) return bodyLen === fixed ? CHECK_OK : DropCode.length;
  // SAMPLES: u8 n (1..32), u8 channels (≥ 1), then n × channels × i16.
  if (bodyLen < 2) return DropCode.length;
  const n = payload[HEADER_BYTES];
  const channels = payload[HEADER_BYTES + 1];
  if (n < 1 || n > SAMPLES_MAX_N || channels < 1) return DropCode.length;
  return bodyLen === samplesBodyLength(n, channels) ? CHECK_OK : DropCode.length;
}
