// Public surface of the sensor boards' wire protocol v1 (see docs/protocol.md).
export * from "./frames.ts";
export { crc16 } from "./crc16.ts";
export { cobsDecodeInto, cobsEncodeInto, cobsMaxEncodedLength } from "./cobs.ts";
export { encodeFrame, encodeFrameInto, encodeSamplesInto, MAX_FRAME_BYTES } from "./encode.ts";
export { decodeFrame, MAX_ENCODED_BYTES, type DecodeResult } from "./decode-frame.ts";
export { checkPayload, CHECK_OK, DropCode } from "./payload-check.ts";
