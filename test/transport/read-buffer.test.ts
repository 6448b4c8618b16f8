import { describe, expect, it } from "vitest";
import { ReadBuffer } from "../../src/transport/read-buffer.ts";

describe("ReadBuffer", () => {
  it("hands out one view per length, over the buffer the reads fill", () => {
    const rb = new ReadBuffer(16);
    const v = rb.view(5);
    expect(rb.view(5)).toBe(v);
    expect(rb.view(6)).not.toBe(v);
    rb.bytes[4] = 42;
    expect(v.length).toBe(5);
    expect(v[4]).toBe(42);
  });

  it("views are plain Uint8Arrays: slice() copies (a Buffer's would alias the next read)", () => {
    const rb = new ReadBuffer(8);
    rb.bytes.fill(1);
    const view = rb.view(8);
    expect(Buffer.isBuffer(view)).toBe(false);
    const kept = view.slice();
    rb.bytes.fill(2);
    expect([...kept]).toEqual(new Array(8).fill(1));
  });

  it("rejects a size that is not a whole number ≥ 1, naming it", () => {
    expect(() => new ReadBuffer(0)).toThrow(/≥ 1, got 0/);
    expect(() => new ReadBuffer(1.5)).toThrow(/got 1.5/);
  });
});
