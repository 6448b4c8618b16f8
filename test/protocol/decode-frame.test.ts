import { describe, expect, it } from "vitest";
import { cobsEncodeInto } from "../../src/protocol/cobs.ts";
import { crc16 } from "../../src/protocol/crc16.ts";
import { decodeFrame } from "../../src/protocol/decode-frame.ts";
import { encodeFrame } from "../../src/protocol/encode.ts";
import type { Frame } from "../../src/protocol/frames.ts";
import { fromHex, toHex, vectors } from "./vectors.ts";

/** The decoded frame as the vectors spell it: ok flag, plain arrays, f32 lsb as its f32 value. */
function asVector(frame: Frame): Record<string, unknown> {
  const out: Record<string, unknown> = { ok: true, ...frame };
  if (frame.type === "SAMPLES") out.raw = Array.from(frame.raw);
  return out;
}

describe("decodeFrame on the datasheet vectors", () => {
  it("has vectors of every frame type and every drop reason", () => {
    const types = new Set(vectors.frames.map((v) => (v.expect.ok ? v.expect.type : v.expect.reason)));
    for (const t of ["HELLO", "SAMPLES", "INDEX", "LATHE", "STATUS", "ACK", "PING", "SET_RATE"]) expect(types).toContain(t);
    for (const r of ["cobs", "short", "crc", "version", "type", "length"]) expect(types).toContain(r);
  });

  for (const v of vectors.frames) {
    it(`${v.name}`, () => {
      const bytes = fromHex(v.hex);
      const result = decodeFrame(bytes);
      const expected = { ...v.expect } as Record<string, unknown>;
      if (typeof expected.lsb === "number") expected.lsb = Math.fround(expected.lsb);
      if (result.ok) expect(asVector(result.frame)).toEqual(expected);
      else expect(result).toEqual(v.expect);
      // Without its delimiter the frame decodes the same.
      expect(decodeFrame(bytes.subarray(0, bytes.length - 1))).toEqual(result);
    });
  }

  it("re-encodes every good vector to its exact bytes", () => {
    for (const v of vectors.frames) {
      if (!v.expect.ok) continue;
      const { ok: _ok, ...frame } = v.expect;
      expect(toHex(encodeFrame(frame as unknown as Frame)), v.name).toBe(v.hex);
    }
  });
});

describe("decodeFrame on other bad input", () => {
  it("rejects an empty input as short, a zero inside as cobs, an over-long run as length", () => {
    expect(decodeFrame(new Uint8Array(0))).toEqual({ ok: false, reason: "short" });
    const good = fromHex(vectors.frames[5].hex);
    const withZero = good.slice();
    withZero[3] = 0;
    expect(decodeFrame(withZero)).toEqual({ ok: false, reason: "cobs" });
    expect(decodeFrame(new Uint8Array(400).fill(5))).toEqual({ ok: false, reason: "length" });
    // 256 bytes (a 0xFF block of 254 and a trailing empty block) is still a length a frame can have.
    const longest = new Uint8Array(256).fill(7);
    longest[0] = 0xff;
    longest[255] = 1;
    expect(decodeFrame(longest)).toEqual({ ok: false, reason: "crc" });
  });
  it("rejects SAMPLES with n = 0, n > 32 or zero channels as length", () => {
    expect(decodeFrame(samplesFrameBytes(0, 1, 0))).toEqual({ ok: false, reason: "length" });
    expect(decodeFrame(samplesFrameBytes(33, 1, 33))).toEqual({ ok: false, reason: "length" });
    expect(decodeFrame(samplesFrameBytes(1, 0, 0))).toEqual({ ok: false, reason: "length" });
    expect(decodeFrame(samplesFrameBytes(2, 3, 5))).toEqual({ ok: false, reason: "length" });
    expect(decodeFrame(samplesFrameBytes(2, 3, 6)).ok).toBe(true);
  });
});

/** A correctly framed SAMPLES payload with arbitrary n / channels fields and `values` i16 values. */
function samplesFrameBytes(n: number, channels: number, values: number): Uint8Array {
  const payload = new Uint8Array(8 + 2 + values * 2 + 2);
  payload[0] = 1;
  payload[1] = 0x10;
  payload[8] = n;
  payload[9] = channels;
  for (let i = 0; i < values; i++) payload[10 + 2 * i] = i + 1;
  const crc = crc16(payload, 0, payload.length - 2);
  payload[payload.length - 2] = crc & 0xff;
  payload[payload.length - 1] = crc >>> 8;
  const out = new Uint8Array(payload.length + 4);
  const len = cobsEncodeInto(payload, 0, payload.length, out, 0);
  return out.slice(0, len + 1);
}
