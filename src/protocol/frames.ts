// Frame types of the sensor boards' wire protocol v1 (see docs/protocol.md). Field names follow the
// datasheet (snake_case), so a decoded frame reads exactly like the datasheet and the test vectors.
// These object shapes are for encoding, tests and tools; the streaming decoder's hot path does not
// build them (it hands samples to ring buffers and fields to callbacks).

export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 8;
export const CRC_BYTES = 2;
export const MAX_PAYLOAD = 254;

export const FrameType = {
  HELLO: 0x01,
  SAMPLES: 0x10,
  INDEX: 0x11,
  LATHE: 0x12,
  STATUS: 0x20,
  ACK: 0x7e,
  PING: 0x81,
  STREAM: 0x82,
  SET_RATE: 0x83,
} as const;
export type FrameTypeName = keyof typeof FrameType;

export const BoardKind = { VIB: 1, RUN: 2 } as const;

export const LatheState = { IDLE: 0, MEASURE: 1, CUT: 2, CHECK: 3 } as const;

/** Why the decoder dropped a frame; the datasheet's list, in its order. */
export const DROP_REASONS = ["cobs", "short", "crc", "version", "type", "length"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

interface Header {
  /** Per board and direction, +1 every frame, wraps 65535 → 0. */
  seq: number;
  /** Board clock in µs (32-bit, as sent). */
  t_us: number;
}

export interface HelloFrame extends Header {
  type: "HELLO";
  kind: number;
  fw_major: number;
  fw_minor: number;
  channels: number;
  serial_no: number;
  rate_hz: number;
  /** Physical units per raw count, as the board's f32 (VIB: g; RUN: µm). */
  lsb: number;
}
export interface SamplesFrame extends Header {
  type: "SAMPLES";
  n: number;
  channels: number;
  /** n × channels raw i16 values, interleaved per sample. */
  raw: ArrayLike<number>;
}
export interface IndexFrame extends Header {
  type: "INDEX";
  t_mark_us: number;
  period_us: number;
}
export interface LatheFrame extends Header {
  type: "LATHE";
  state: number;
  rpm: number;
  tool_mm_x100: number;
  flags: number;
}
export interface StatusFrame extends Header {
  type: "STATUS";
  flags: number;
  temp_c_x100: number;
  dropped: number;
}
export interface AckFrame extends Header {
  type: "ACK";
  command_type: number;
  result: number;
}
export interface PingFrame extends Header {
  type: "PING";
}
export interface StreamFrame extends Header {
  type: "STREAM";
  on: number;
}
export interface SetRateFrame extends Header {
  type: "SET_RATE";
  rate_hz: number;
}

export type Frame =
  | HelloFrame
  | SamplesFrame
  | IndexFrame
  | LatheFrame
  | StatusFrame
  | AckFrame
  | PingFrame
  | StreamFrame
  | SetRateFrame;
