import { describe, expect, it } from "vitest";
import { Backoff } from "../../src/transport/backoff.ts";

describe("Backoff", () => {
  it("doubles from the initial delay up to the cap, and starts over after reset", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it("adds jitter within the stated fraction and never beyond the cap", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 150, jitter: 0.5, random: () => 0.999 });
    expect(b.next()).toBeCloseTo(149.95, 5);
    expect(b.next()).toBe(150);
  });

  it("rejects nonsense options with a message naming the option", () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(/initialMs/);
    expect(() => new Backoff({ initialMs: 500, maxMs: 100 })).toThrow(/maxMs/);
    expect(() => new Backoff({ jitter: 2 })).toThrow(/jitter/);
  });
});
