// A Timers whose clock moves only when a test says so. advance() fires due timers in time order and
// lets promise callbacks run between them, so async code driven by the timers settles as it would.
import type { Timers } from "../../../src/transport/timers.ts";

interface Entry {
  at: number;
  id: number;
  fn: () => void;
}

export class ManualTimers implements Timers {
  private time = 0;
  private nextId = 1;
  private entries: Entry[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const entry = { at: this.time + Math.max(0, ms), id: this.nextId++, fn };
    this.entries.push(entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    this.entries = this.entries.filter((e) => e.id !== handle);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.entries.length;
  }

  /** Moves the clock forward by ms, firing everything that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      this.entries.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.entries[0];
      if (!next || next.at > end) break;
      this.entries.shift();
      this.time = next.at;
      next.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets queued promise callbacks and nextTick/immediate work run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
