// All channels of one host. Built once, from the writers' descriptors, before any plugin's setup:
// after that the set of rings never changes. Reader facades are kept per (plugin, channel), so a
// restarted plugin resumes at its old cursor instead of losing or re-reading items.
import { numericReader, numericWriter, NumericStore, objectReader, objectWriter, ObjectStore } from "./endpoints.ts";
import type { NumericReader, NumericWriter, ObjectReader, ObjectWriter } from "./endpoints.ts";
import { RingCore, type DeliveryQueue, type RingReader } from "./ring.ts";
import type { ChannelSpec } from "./spec.ts";

interface Channel {
  spec: ChannelSpec;
  ring: RingCore;
  store: NumericStore | ObjectStore;
  writer: NumericWriter<string> | ObjectWriter<unknown> | null;
}

export interface ReaderHandle {
  facade: NumericReader<string> | ObjectReader<unknown>;
  ring: RingReader;
}

export interface ChannelReport {
  name: string;
  kind: string;
  capacity: number;
  policy: string;
  writer: string;
  written: number;
  rejected: number;
  readers: Array<{ plugin: string; dropped: number; unread: number }>;
}

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel & { owner: string }>();
  private readonly readers = new Map<string, ReaderHandle>();

  constructor(private readonly queue: DeliveryQueue) {}

  create(spec: ChannelSpec, owner: string): void {
    const ring = new RingCore(spec, this.queue);
    const store = spec.kind === "numeric" ? new NumericStore(ring, spec) : new ObjectStore(ring);
    this.channels.set(spec.name, { spec, ring, store, writer: null, owner });
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  writer(name: string): NumericWriter<string> | ObjectWriter<unknown> {
    const ch = this.get(name);
    if (ch.writer === null) {
      ch.writer = ch.store instanceof NumericStore ? numericWriter(ch.store) : objectWriter(ch.store);
    }
    return ch.writer;
  }

  reader(plugin: string, name: string): ReaderHandle {
    const key = `${plugin}\u0000${name}`;
    let handle = this.readers.get(key);
    if (!handle) {
      const ch = this.get(name);
      const ring = ch.ring.attach(plugin);
      const facade = ch.store instanceof NumericStore ? numericReader(ch.store, ring) : objectReader(ch.store, ring);
      handle = { facade, ring };
      this.readers.set(key, handle);
    }
    return handle;
  }

  /** Sets (or clears) a reader's handler; items already waiting are delivered in the next microtask. */
  setHandler(handle: ReaderHandle, handler: (() => unknown) | null): void {
    handle.ring.handler = handler;
    if (handler !== null && !handle.ring.queued && handle.ring.available() > 0) this.queue.request(handle.ring);
  }

  /** True when every reader with a handler has read everything written to it. */
  drained(): boolean {
    for (const handle of this.readers.values()) {
      if (handle.ring.handler !== null && handle.ring.available() > 0) return false;
    }
    return true;
  }

  /** Removes a disabled plugin's readers so they stop holding back writers. */
  detachPlugin(plugin: string): void {
    for (const [key, handle] of this.readers) {
      if (handle.ring.owner !== plugin) continue;
      handle.ring.ring.detach(handle.ring);
      this.readers.delete(key);
    }
  }

  report(): ChannelReport[] {
    return [...this.channels.values()].map((ch) => ({
      name: ch.spec.name,
      kind: ch.spec.kind,
      capacity: ch.ring.capacity,
      policy: ch.spec.policy,
      writer: ch.owner,
      written: ch.ring.head,
      rejected: ch.ring.rejected,
      readers: ch.ring.readers.map((r) => ({ plugin: r.owner, dropped: r.dropped, unread: r.available() })),
    }));
  }

  private get(name: string): Channel {
    const ch = this.channels.get(name);
    if (!ch) throw new Error(`channel '${name}' was never created`);
    return ch;
  }
}
