// Public surface of the sensor boards' wire protocol v1 (see docs/protocol.md).
export * from "./frames.ts";
export { crc16 } from "./crc16.ts";
export { cobsDecodeInto, cobsEncodeInto, cobsMaxEncodedLength } from "./cobs.ts";
export { encodeFrame, encodeFrameInto, encodeSamplesInto, MAX_FRAME_BYTES } from "./encode.ts";
export { decodeFrame, MAX_ENCODED_BYTES, type DecodeResult } from "./decode-frame.ts";
export { checkPayload, CHECK_OK, DropCode } from "./payload-check.ts";
export { ClockUnwrap } from "./clock-unwrap.ts";
export { SampleRing, isSaturatedRaw, RAW_SAT_HIGH, RAW_SAT_LOW, type SampleRingOptions } from "./sample-ring.ts";
export { DecoderCounters, type CountersSnapshot } from "./decoder-counters.ts";
export { StreamDecoder, TIME_FRAME_US, TIME_MARK_US, TIME_RAW_US, type FrameSink, type StreamDecoderOptions } from "./stream-decoder.ts";
