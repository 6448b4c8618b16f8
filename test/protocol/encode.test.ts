import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../src/protocol/decode-frame.ts";
import { MAX_FRAME_BYTES, encodeFrame, encodeFrameInto, encodeSamplesInto } from "../../src/protocol/encode.ts";
import type { Frame } from "../../src/protocol/frames.ts";

const everyType: Frame[] = [
  { type: "HELLO", seq: 65535, t_us: 0xffffffff, kind: 2, fw_major: 9, fw_minor: 255, channels: 1, serial_no: 0xdeadbeef, rate_hz: 65535, lsb: Math.fround(0.1) },
  { type: "SAMPLES", seq: 0, t_us: 0, n: 32, channels: 3, raw: Int16Array.from({ length: 96 }, (_, i) => (i * 1021) % 65536 - 32768) },
  { type: "SAMPLES", seq: 3, t_us: 77, n: 1, channels: 1, raw: Int16Array.of(0) },
  { type: "INDEX", seq: 4, t_us: 123456, t_mark_us: 4294967295, period_us: 0 },
  { type: "LATHE", seq: 5, t_us: 9, state: 3, rpm: 170, tool_mm_x100: -32768, flags: 1 },
  { type: "STATUS", seq: 6, t_us: 10, flags: 15, temp_c_x100: 32767, dropped: 65535 },
  { type: "ACK", seq: 7, t_us: 11, command_type: 0x83, result: 1 },
  { type: "PING", seq: 8, t_us: 0 },
  { type: "STREAM", seq: 9, t_us: 0, on: 1 },
  { type: "SET_RATE", seq: 10, t_us: 0, rate_hz: 800 },
];

describe("encodeFrame / encodeFrameInto", () => {
  for (const frame of everyType) {
    it(`round-trips ${frame.type} (${frame.seq})`, () => {
      const bytes = encodeFrame(frame);
      expect(bytes[bytes.length - 1]).toBe(0);
      expect(bytes.subarray(0, bytes.length - 1).includes(0)).toBe(false);
      const back = decodeFrame(bytes);
      expect(back.ok).toBe(true);
      if (back.ok) {
        const want = frame.type === "SAMPLES" ? { ...frame, raw: Array.from(frame.raw) } : frame;
        const got = back.frame.type === "SAMPLES" ? { ...back.frame, raw: Array.from(back.frame.raw) } : back.frame;
        expect(got).toEqual(want);
      }
    });
  }

  it("writes at an offset and returns the byte count, identical to encodeFrame", () => {
    const out = new Uint8Array(MAX_FRAME_BYTES * 2).fill(0xaa);
    const n = encodeFrameInto(everyType[1], out, 7);
    expect(out[6]).toBe(0xaa);
    expect(Array.from(out.subarray(7, 7 + n))).toEqual(Array.from(encodeFrame(everyType[1])));
    expect(out[7 + n]).toBe(0xaa);
  });

  it("encodes samples from an offset in a larger array", () => {
    const raw = Int16Array.from({ length: 100 }, (_, i) => i - 50);
    const out = new Uint8Array(MAX_FRAME_BYTES);
    const n = encodeSamplesInto(12, 3456, 20, 1, raw, 40, out, 0);
    const back = decodeFrame(out.subarray(0, n));
    expect(back.ok && back.frame.type === "SAMPLES" && Array.from(back.frame.raw)).toEqual(Array.from(raw.subarray(40, 60)));
  });

  it("names the field that is out of range", () => {
    expect(() => encodeFrame({ type: "LATHE", seq: 1, t_us: 0, state: 256, rpm: 0, tool_mm_x100: 0, flags: 0 })).toThrow(/state = 256/);
    expect(() => encodeFrame({ type: "INDEX", seq: 1, t_us: -1, t_mark_us: 0, period_us: 0 })).toThrow(/t_us = -1/);
    expect(() => encodeFrame({ type: "PING", seq: 65536, t_us: 0 })).toThrow(/seq = 65536/);
    expect(() => encodeFrame({ type: "SAMPLES", seq: 1, t_us: 0, n: 2, channels: 1, raw: [1] })).toThrow(/raw has 1 values/);
    expect(() => encodeFrame({ type: "SAMPLES", seq: 1, t_us: 0, n: 33, channels: 1, raw: new Array(33).fill(0) })).toThrow(/n = 33/);
    expect(() => encodeFrame({ type: "SAMPLES", seq: 1, t_us: 0, n: 1, channels: 1, raw: [40000] })).toThrow(/raw = 40000/);
    expect(() => encodeFrameInto(everyType[7], new Uint8Array(5), 0)).toThrow(/needs up to/);
  });
});
