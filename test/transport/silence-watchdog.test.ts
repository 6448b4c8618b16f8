import { describe, expect, it } from "vitest";
import { SilenceWatchdog } from "../../src/transport/silence-watchdog.ts";
import { ManualTimers } from "./support/manual-timers.ts";

describe("SilenceWatchdog", () => {
  it("fires once after 2 s without data, not while data keeps arriving", async () => {
    const timers = new ManualTimers();
    const fired: number[] = [];
    const dog = new SilenceWatchdog(timers, 2000, (ms) => fired.push(ms));
    dog.start();
    for (let i = 0; i < 10; i++) {
      await timers.advance(500);
      dog.kick();
    }
    expect(fired).toEqual([]);
    await timers.advance(1999);
    expect(fired).toEqual([]);
    await timers.advance(1);
    expect(fired).toEqual([2000]);
    await timers.advance(10_000);
    expect(fired).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  it("sets no timer per kick", async () => {
    const timers = new ManualTimers();
    const dog = new SilenceWatchdog(timers, 2000, () => undefined);
    dog.start();
    for (let i = 0; i < 1000; i++) dog.kick();
    expect(timers.pending).toBe(1);
    dog.stop();
    expect(timers.pending).toBe(0);
  });
});
