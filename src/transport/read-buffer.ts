// One preallocated receive buffer per port, and the views handed to the receive path: a view of the
// first n bytes is made the first time a read returns n bytes and reused after that, so a read loop
// allocates nothing once the chunk sizes it sees have each come by once (a board sends a handful of
// sizes: its frame lengths and their sums).
//
// Ownership: a view is valid until the next read into the buffer. Whoever keeps bytes copies them.
// Views are plain Uint8Arrays (not Buffers) so that `view.slice()` copies, as it does everywhere but
// on a Buffer, where it would return another view of memory the next read overwrites.

export class ReadBuffer {
  readonly bytes: Buffer;
  private readonly views: (Uint8Array | undefined)[];

  /** `size`: most bytes one read takes, bytes. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError(`read buffer size must be a whole number ≥ 1, got ${size}`);
    this.bytes = Buffer.alloc(size);
    this.views = new Array<Uint8Array | undefined>(size + 1).fill(undefined);
  }

  /** The first `n` bytes (1 ≤ n ≤ size). */
  view(n: number): Uint8Array {
    return (this.views[n] ??= new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, n));
  }
}
