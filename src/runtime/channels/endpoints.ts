// What a plugin holds: typed writer/reader facades over a ring. Facades are frozen and expose no
// way back to the ring, the other readers or other plugins.
//
// Ownership: a numeric channel's column arrays belong to the channel. A writer fills the slot
// returned by claim() and then publish()es it; a reader reads slot `i` (from next()) and must not
// write into columns. A slot stays valid until the writer laps it (capacity writes later).
import type { RingCore, RingReader } from "./ring.ts";
import type { NumericChannelSpec, ObjectChannelSpec } from "./spec.ts";

export interface ChannelStats {
  readonly name: string;
  readonly capacity: number;
  readonly policy: string;
  /** Items written since the channel was built. */
  readonly written: number;
  /** Writes refused by a `reject` channel. */
  readonly rejected: number;
}

export interface NumericWriter<F extends string> {
  readonly spec: NumericChannelSpec<F>;
  /** The column of one field; index it with the slot from claim(). Fetch once, at setup. */
  column(field: F): Float64Array;
  /** Slot to fill, or -1 when the policy refuses the write (`reject`). Throws for `error`. */
  claim(): number;
  /** Makes the claimed slot visible to readers. */
  publish(): void;
  /** Copies `row` (one value per field, in `fields` order) into a new item. False when refused. */
  writeRow(row: ArrayLike<number>): boolean;
  whenWritable(): Promise<void>;
  stats(): ChannelStats;
}

export interface NumericReader<F extends string> {
  readonly spec: NumericChannelSpec<F>;
  column(field: F): Float64Array;
  /** Slot of the next unread item (and moves past it), or -1 when there is none. */
  next(): number;
  /** Copies the next item into `row` (fields order). False when there is none. */
  readRow(row: Float64Array): boolean;
  available(): number;
  /** Items this reader lost by falling a full ring behind (`drop-oldest`). */
  readonly dropped: number;
}

export interface ObjectWriter<T> {
  readonly spec: ObjectChannelSpec<T>;
  /** Stores a reference to `value`. False when the policy refuses the write (`reject`). */
  push(value: T): boolean;
  whenWritable(): Promise<void>;
  stats(): ChannelStats;
}

export interface ObjectReader<T> {
  readonly spec: ObjectChannelSpec<T>;
  /** The next unread value, or undefined when there is none. */
  shift(): T | undefined;
  available(): number;
  readonly dropped: number;
}

export type Writer<S> = S extends NumericChannelSpec<infer F> ? NumericWriter<F> : S extends ObjectChannelSpec<infer T> ? ObjectWriter<T> : never;
export type Reader<S> = S extends NumericChannelSpec<infer F> ? NumericReader<F> : S extends ObjectChannelSpec<infer T> ? ObjectReader<T> : never;

function statsOf(ring: RingCore): ChannelStats {
  return { name: ring.spec.name, capacity: ring.capacity, policy: ring.spec.policy, written: ring.head, rejected: ring.rejected };
}

export class NumericStore {
  readonly columns: Float64Array[];
  constructor(readonly ring: RingCore, readonly spec: NumericChannelSpec<string>) {
    this.columns = spec.fields.map(() => new Float64Array(spec.capacity));
  }
  columnOf(field: string): Float64Array {
    const i = this.spec.fields.indexOf(field);
    if (i < 0) throw new TypeError(`channel '${this.spec.name}' has no field '${field}' (fields: ${this.spec.fields.join(", ")})`);
    return this.columns[i];
  }
}

export class ObjectStore {
  readonly slots: unknown[];
  constructor(readonly ring: RingCore) {
    this.slots = new Array<unknown>(ring.capacity).fill(undefined);
  }
}

export function numericWriter<F extends string>(store: NumericStore): NumericWriter<F> {
  const { ring, columns } = store;
  const width = columns.length;
  return Object.freeze({
    spec: store.spec as NumericChannelSpec<F>,
    column: (field: F) => store.columnOf(field),
    claim: () => ring.claim(),
    publish: () => ring.publish(),
    writeRow(row: ArrayLike<number>): boolean {
      const slot = ring.claim();
      if (slot < 0) return false;
      for (let f = 0; f < width; f++) columns[f][slot] = row[f];
      ring.publish();
      return true;
    },
    whenWritable: () => ring.whenWritable(),
    stats: () => statsOf(ring),
  });
}

export function numericReader<F extends string>(store: NumericStore, reader: RingReader): NumericReader<F> {
  const { columns } = store;
  const width = columns.length;
  return Object.freeze({
    spec: store.spec as NumericChannelSpec<F>,
    column: (field: F) => store.columnOf(field),
    next: () => reader.next(),
    readRow(row: Float64Array): boolean {
      const slot = reader.next();
      if (slot < 0) return false;
      for (let f = 0; f < width; f++) row[f] = columns[f][slot];
      return true;
    },
    available: () => reader.available(),
    get dropped() {
      return reader.dropped;
    },
  });
}

export function objectWriter<T>(store: ObjectStore): ObjectWriter<T> {
  const { ring, slots } = store;
  return Object.freeze({
    spec: ring.spec as ObjectChannelSpec<T>,
    push(value: T): boolean {
      const slot = ring.claim();
      if (slot < 0) return false;
      slots[slot] = value;
      ring.publish();
      return true;
    },
    whenWritable: () => ring.whenWritable(),
    stats: () => statsOf(ring),
  });
}

export function objectReader<T>(store: ObjectStore, reader: RingReader): ObjectReader<T> {
  const { slots } = store;
  return Object.freeze({
    spec: store.ring.spec as ObjectChannelSpec<T>,
    shift(): T | undefined {
      const slot = reader.next();
      return slot < 0 ? undefined : (slots[slot] as T);
    },
    available: () => reader.available(),
    get dropped() {
      return reader.dropped;
    },
  });
}
