// Channel descriptors: what a producer publishes and a consumer imports to name the same channel.
// A descriptor is plain data (frozen); the host builds one ring per channel from the writer's
// descriptor before any plugin's setup runs, so nothing grows afterwards.

/**
 * What a write does when some reader is a full ring behind (the stated policy of a channel):
 * - `drop-oldest`: the write always succeeds; the lagging reader loses its oldest unread items and
 *   its `dropped` counter says how many. For streams where fresh data matters more than old.
 * - `reject`: the write is refused (returns false / -1) and the channel's `rejected` counter grows;
 *   the producer keeps the item and may await `whenWritable()`. Nothing already written is lost.
 * - `error`: the write throws EP_ERR_CHANNEL_FULL, which fails the writing plugin (restart/backoff).
 *   For channels that must never lose an item and must never wait.
 */
export type OverflowPolicy = "drop-oldest" | "reject" | "error";

export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "reject", "error"];

interface ChannelSpecBase {
  /** Unique channel name, dotted by convention: `vib.samples`. */
  readonly name: string;
  /** Ring slots, fixed for the channel's life. Default 1024. */
  readonly capacity: number;
  /** Default `drop-oldest`. */
  readonly policy: OverflowPolicy;
}

/** Struct-of-arrays ring of float64 columns: a hot numeric producer allocates nothing. */
export interface NumericChannelSpec<F extends string = string> extends ChannelSpecBase {
  readonly kind: "numeric";
  readonly fields: readonly F[];
}

/** Ring of references to values of type T (the channel itself allocates nothing per write). */
export interface ObjectChannelSpec<T = unknown> extends ChannelSpecBase {
  readonly kind: "object";
  /** Phantom: carries T for type inference only; always undefined at run time. */
  readonly __type?: T;
}

export type ChannelSpec = NumericChannelSpec<string> | ObjectChannelSpec<unknown>;

export interface ChannelOptions {
  capacity?: number;
  policy?: OverflowPolicy;
}

function checkOptions(name: string, opts: ChannelOptions): { capacity: number; policy: OverflowPolicy } {
  const capacity = opts.capacity ?? 1024;
  const policy = opts.policy ?? "drop-oldest";
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new TypeError(`channel name '${name}' must be [a-z0-9._-]`);
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new TypeError(`channel '${name}': capacity must be an integer >= 1, got ${capacity}`);
  }
  if (!OVERFLOW_POLICIES.includes(policy)) {
    throw new TypeError(`channel '${name}': policy must be one of ${OVERFLOW_POLICIES.join(", ")}, got '${policy}'`);
  }
  return { capacity, policy };
}

export function numericChannel<const F extends string>(
  name: string,
  opts: ChannelOptions & { fields: readonly F[] },
): NumericChannelSpec<F> {
  const { capacity, policy } = checkOptions(name, opts);
  if (opts.fields.length === 0 || new Set(opts.fields).size !== opts.fields.length) {
    throw new TypeError(`channel '${name}': fields must be a non-empty list of distinct names`);
  }
  return Object.freeze({ kind: "numeric", name, capacity, policy, fields: Object.freeze([...opts.fields]) });
}

export function objectChannel<T>(name: string, opts: ChannelOptions = {}): ObjectChannelSpec<T> {
  const { capacity, policy } = checkOptions(name, opts);
  return Object.freeze({ kind: "object", name, capacity, policy });
}

/** Why a reader's descriptor cannot read the writer's channel, or null when it can. */
export function specMismatch(writer: ChannelSpec, reader: ChannelSpec): string | null {
  if (writer.kind !== reader.kind) return `kind '${writer.kind}', got '${reader.kind}'`;
  if (writer.kind === "numeric" && reader.kind === "numeric") {
    const w = writer.fields.join(",");
    const r = reader.fields.join(",");
    if (w !== r) return `fields [${w}], got [${r}]`;
  }
  return null;
}
