// One channel = one single-writer ring of fixed capacity, read by any number of readers that each
// keep their own cursor. Sequence numbers count writes since the channel was built (exact to 2^53);
// slot = seq % capacity. Writer and readers run on one thread, so a slot is never read mid-write.
//
// Loss accounting is lazy: a drop-oldest write never walks the readers; a reader that finds itself
// more than `capacity` behind skips to the oldest surviving item and adds the gap to its `dropped`.
import { RuntimeError } from "../errors.ts";
import type { ChannelSpec } from "./spec.ts";

/** Called after each publish for every reader that has a handler; see scheduler.ts. */
export interface DeliveryQueue {
  request(reader: RingReader): void;
}

export class RingReader {
  /** Sequence number of the next item this reader will read. */
  cursor: number;
  /** Items lost before the last resync (see `dropped`). */
  private lost = 0;
  /** Set by the scheduler while a delivery is queued. */
  queued = false;
  handler: (() => unknown) | null = null;

  constructor(
    readonly ring: RingCore,
    /** Plugin that owns this reader; failures of its handler are charged to it. */
    readonly owner: string,
  ) {
    this.cursor = ring.head;
  }

  /** Slot index of the next unread item (and advances past it), or -1 when none is waiting. */
  next(): number {
    const ring = this.ring;
    const lag = ring.head - this.cursor;
    if (lag <= 0) return -1;
    if (lag > ring.capacity) {
      this.lost += lag - ring.capacity;
      this.cursor = ring.head - ring.capacity;
    }
    const slot = this.cursor % ring.capacity;
    this.cursor++;
    if (ring.waiting > 0) ring.wakeWriters();
    return slot;
  }

  /** Unread items still in the ring (at most capacity). */
  available(): number {
    return Math.min(this.ring.head - this.cursor, this.ring.capacity);
  }

  /** Items this reader lost by falling a full ring behind (drop-oldest channels only). */
  get dropped(): number {
    return this.lost + Math.max(0, this.ring.head - this.cursor - this.ring.capacity);
  }
}

export class RingCore {
  /** Items published since the channel was built. */
  head = 0;
  /** Writes refused (policy `reject`). */
  rejected = 0;
  readonly capacity: number;
  readonly readers: RingReader[] = [];
  /** Number of pending whenWritable() promises. */
  waiting = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly spec: ChannelSpec,
    private readonly queue: DeliveryQueue,
  ) {
    this.capacity = spec.capacity;
  }

  attach(owner: string): RingReader {
    const reader = new RingReader(this, owner);
    this.readers.push(reader);
    return reader;
  }

  /** A disabled plugin's reader must not hold back a `reject`/`error` channel's writer. */
  detach(reader: RingReader): void {
    const i = this.readers.indexOf(reader);
    if (i >= 0) this.readers.splice(i, 1);
    reader.handler = null;
    if (this.waiting > 0) this.wakeWriters();
  }

  /** True when some reader is a full ring behind, so the next write would overwrite unread data. */
  full(): boolean {
    const readers = this.readers;
    for (let i = 0; i < readers.length; i++) {
      if (this.head - readers[i].cursor >= this.capacity) return true;
    }
    return false;
  }

  /** Slot the next write goes to, or -1 when the policy refuses it. Follow with publish(). */
  claim(): number {
    if (this.spec.policy !== "drop-oldest" && this.full()) {
      if (this.spec.policy === "error") {
        throw new RuntimeError("EP_ERR_CHANNEL_FULL", `channel '${this.spec.name}' is full (capacity ${this.capacity})`, {
          expected: `a reader at most ${this.capacity} items behind`,
        });
      }
      this.rejected++;
      return -1;
    }
    return this.head % this.capacity;
  }

  publish(): void {
    this.head++;
    const readers = this.readers;
    for (let i = 0; i < readers.length; i++) {
      const r = readers[i];
      if (r.handler !== null && !r.queued) this.queue.request(r);
    }
  }

  /** Resolves once a write would be accepted (immediately if it would be now). */
  whenWritable(): Promise<void> {
    if (!this.full()) return Promise.resolve();
    this.waiting++;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wakeWriters(): void {
    if (this.full()) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.waiting = 0;
    for (const w of waiters) w();
  }

  /** Items the slowest reader has lost so far, summed over readers. */
  droppedTotal(): number {
    let n = 0;
    for (const r of this.readers) n += r.dropped;
    return n;
  }
}
