import { describe, expect, it } from "vitest";
import { ClockUnwrap } from "../../src/protocol/clock-unwrap.ts";
import { SampleRing } from "../../src/protocol/sample-ring.ts";

const WRAP = 4294967296;

describe("ClockUnwrap", () => {
  it("keeps the first time as is and follows wraps forward", () => {
    const c = new ClockUnwrap();
    expect(c.unwrap(WRAP - 1000, true)).toBe(WRAP - 1000);
    expect(c.unwrap(500, true)).toBe(WRAP + 500);
    expect(c.wraps).toBe(1);
    let t = 500;
    for (let i = 0; i < 5; i++) t = (t + 1_500_000_000) % WRAP;
    let u = WRAP + 500;
    for (let i = 0; i < 5; i++) u = c.unwrap((Math.round(u) + 1_500_000_000) % WRAP, true);
    expect(u).toBe(WRAP + 500 + 5 * 1_500_000_000);
    expect(u % WRAP).toBe(t);
  });

  it("places interleaved earlier and later times on the right side of a wrap", () => {
    const c = new ClockUnwrap();
    c.unwrap(WRAP - 10, true);
    // An INDEX mark after the wrap, and a SAMPLES first-sample time before it, both near the reference.
    expect(c.unwrap(20, false)).toBe(WRAP + 20);
    expect(c.unwrap(WRAP - 300, false)).toBe(WRAP - 300);
    c.unwrap(40, true);
    expect(c.unwrap(WRAP - 300, false)).toBe(WRAP - 300);
    expect(c.unwrap(WRAP - 300, true)).toBe(WRAP - 300);
    expect(c.unwrap(60, true)).toBe(WRAP + 60);
  });

  it("starts over after reset", () => {
    const c = new ClockUnwrap();
    c.unwrap(WRAP - 10, true);
    c.unwrap(5, true);
    c.reset();
    expect(c.unwrap(7, true)).toBe(7);
  });
});

describe("SampleRing", () => {
  it("validates its options with the numbers", () => {
    expect(() => new SampleRing({ capacity: 4 })).toThrow(/capacity must be an integer ≥ 32, got 4/);
    expect(() => new SampleRing({ channels: 0 })).toThrow(/channels must be an integer in 1..8, got 0/);
  });

  it("wraps around and reports the oldest sample still held", () => {
    const ring = new SampleRing({ capacity: 32, channels: 1 });
    const bytes = new Uint8Array(40);
    for (let f = 0; f < 3; f++) {
      for (let k = 0; k < 20; k++) {
        bytes[2 * k] = f * 20 + k;
        bytes[2 * k + 1] = 0;
      }
      expect(ring.writeInterleaved(bytes, 0, 20, 1, Float64Array.of(f * 20_000, 1000), f)).toBe(f * 20);
    }
    expect(ring.written).toBe(60);
    expect(ring.oldest()).toBe(28);
    for (let i = ring.oldest(); i < ring.written; i++) {
      expect(ring.values[0][ring.slot(i)]).toBe(i);
      expect(ring.timeUs[ring.slot(i)]).toBe(i * 1000);
      expect(ring.segment[ring.slot(i)]).toBe(Math.floor(i / 20));
    }
  });
});
