import { describe, expect, it } from "vitest";
import { cobsDecodeInto, cobsEncodeInto, cobsMaxEncodedLength } from "../../src/protocol/cobs.ts";
import { crc16 } from "../../src/protocol/crc16.ts";

function bitwiseCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe("crc16 (CCITT-FALSE)", () => {
  it("has the datasheet's check value 0x29B1", () => {
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x29b1);
  });
  it("matches a bitwise reference on random data, sub-ranges of odd and even length", () => {
    let s = 7;
    const data = new Uint8Array(300).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    expect(crc16(data)).toBe(bitwiseCrc(data));
    expect(crc16(data, 17, 200)).toBe(bitwiseCrc(data.subarray(17, 200)));
    expect(crc16(data, 17, 201)).toBe(bitwiseCrc(data.subarray(17, 201)));
    expect(crc16(data, 3, 4)).toBe(bitwiseCrc(data.subarray(3, 4)));
    expect(crc16(data, 5, 5)).toBe(0xffff);
  });
});

describe("cobs", () => {
  const roundTrip = (src: Uint8Array) => {
    const enc = new Uint8Array(cobsMaxEncodedLength(src.length));
    const n = cobsEncodeInto(src, 0, src.length, enc, 0);
    expect(enc.subarray(0, n).includes(0)).toBe(false);
    const dec = new Uint8Array(300);
    const m = cobsDecodeInto(enc, 0, n, dec);
    expect(Array.from(dec.subarray(0, m))).toEqual(Array.from(src));
    return Array.from(enc.subarray(0, n));
  };
  it("encodes the classic examples", () => {
    expect(roundTrip(Uint8Array.of(0))).toEqual([1, 1]);
    expect(roundTrip(Uint8Array.of(0, 0))).toEqual([1, 1, 1]);
    expect(roundTrip(Uint8Array.of(0x11, 0x22, 0, 0x33))).toEqual([3, 0x11, 0x22, 2, 0x33]);
    expect(roundTrip(Uint8Array.of(0x11, 0, 0, 0))).toEqual([2, 0x11, 1, 1, 1]);
  });
  it("handles 254- and 255-byte zero-free runs", () => {
    const run254 = new Uint8Array(254).map((_, i) => i + 1);
    const enc254 = roundTrip(run254);
    expect(enc254.length).toBe(255);
    expect(enc254[0]).toBe(0xff);
    const run255 = new Uint8Array(255).map((_, i) => (i % 255) + 1);
    const enc255 = roundTrip(run255);
    expect(enc255.slice(0, 1)).toEqual([0xff]);
    expect(enc255[255]).toBe(2);
  });
  it("also accepts a trailing empty block after a 0xFF block", () => {
    const enc = new Uint8Array(256);
    enc[0] = 0xff;
    for (let i = 1; i < 255; i++) enc[i] = i;
    enc[255] = 1;
    expect(cobsDecodeInto(enc, 0, 256, new Uint8Array(300))).toBe(254);
  });
  it("rejects blocks past the end and overflowing output", () => {
    const out = new Uint8Array(4);
    expect(cobsDecodeInto(Uint8Array.of(9, 1, 2), 0, 3, out)).toBe(-1);
    expect(cobsDecodeInto(Uint8Array.of(6, 1, 2, 3, 4, 5), 0, 6, out)).toBe(-1);
    expect(cobsDecodeInto(Uint8Array.of(3, 1, 2, 2, 4), 0, 5, out)).toBe(4);
  });
});
