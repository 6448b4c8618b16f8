// The last N bytes one board sent, as the chunks they came in: what a job's capture starts with.
// Holds whole chunks (the oldest dropped while the rest still fill `limitBytes`), so it may keep a
// little less than the limit; a chunk larger than the limit is kept alone.

export class Preroll {
  private readonly list: Uint8Array[] = [];
  private bytes = 0;

  /** `limitBytes`: bytes kept, at most (> 0). */
  constructor(private readonly limitBytes: number) {
    if (!(limitBytes > 0)) throw new RangeError(`preroll limit must be > 0 bytes, got ${limitBytes}`);
  }

  /** Keeps a reference to `chunk` (the caller hands over a copy it no longer changes). */
  add(chunk: Uint8Array): void {
    this.list.push(chunk);
    this.bytes += chunk.byteLength;
    while (this.list.length > 1 && this.bytes > this.limitBytes) this.bytes -= this.list.shift()!.byteLength;
  }

  /** Forgets everything kept (at a job's end: the next job's capture must not hold this one's tail). */
  clear(): void {
    this.list.length = 0;
    this.bytes = 0;
  }

  /** The kept chunks, oldest first. */
  chunks(): readonly Uint8Array[] {
    return this.list;
  }

  get size(): number {
    return this.bytes;
  }
}
