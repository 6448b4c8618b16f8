// Appends every byte received from one board to its capture file (see docs on captures: raw bytes,
// nothing added). Bytes are copied into one of two preallocated staging buffers, so the receive path
// allocates nothing; a full buffer, the flush interval, and close() each write the staged bytes out.
// A write error is reported once through `onError`, capture stops, and the caller's link runs on.
import { promises as fs } from "node:fs";
import { TransportError } from "./errors.ts";
import { realTimers, type TimerHandle, type Timers } from "./timers.ts";

export interface CaptureWriterOptions {
  /** Staged bytes are written at least this often, ms. Default 250. */
  flushIntervalMs?: number;
  /** Size of each of the two staging buffers, bytes. Default 65536 (~3 s of VIB at 3200 Hz). */
  bufferBytes?: number;
  /** Called once, with an error naming the file, when capture stops because of a write failure. */
  onError?: (err: Error) => void;
  timers?: Timers;
}

/** Minimal file handle surface used here; `fs.promises.FileHandle` fits, tests may pass a failing one. */
export interface CaptureFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

export class CaptureError extends TransportError {
  constructor(
    readonly path: string,
    cause: Error,
  ) {
    super("EP_ERR_CAPTURE", `capture ${path}: ${cause.message}`, { cause });
  }
}

export class CaptureWriter {
  private readonly size: number;
  /** Staging buffers not in use; a new one is made only when the disk lags behind the board. */
  private readonly free: Uint8Array[];
  private current: Uint8Array | undefined;
  private used = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: TimerHandle | undefined;
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private failure: CaptureError | undefined;
  private closed = false;
  private written = 0;

  /** Opens (creating or appending to) `path`. Rejects with a CaptureError naming the file. */
  static async open(path: string, options: CaptureWriterOptions = {}): Promise<CaptureWriter> {
    let file: fs.FileHandle;
    try {
      file = await fs.open(path, "a");
    } catch (err) {
      throw new CaptureError(path, err as Error);
    }
    return new CaptureWriter(path, file, options);
  }

  constructor(
    readonly path: string,
    private readonly file: CaptureFile,
    private readonly options: CaptureWriterOptions = {},
  ) {
    this.size = options.bufferBytes ?? 65536;
    if (!(this.size >= 1)) throw new TypeError(`capture bufferBytes must be >= 1, got ${this.size}`);
    this.free = [new Uint8Array(this.size), new Uint8Array(this.size)];
    this.timers = options.timers ?? realTimers;
    this.intervalMs = options.flushIntervalMs ?? 250;
    this.schedule();
  }

  /** Bytes written to the file so far. */
  get bytesWritten(): number {
    return this.written;
  }

  /** The error that stopped capture, if any. */
  get error(): CaptureError | undefined {
    return this.failure;
  }

  /** Stages `chunk` (copied; the caller may reuse it at once). Ignored after close or failure. */
  write(chunk: Uint8Array): void {
    if (this.closed || this.failure) return;
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        this.current = this.free.pop() ?? new Uint8Array(this.size);
        this.used = 0;
      }
      const n = Math.min(this.size - this.used, chunk.length - offset);
      if (offset === 0 && n === chunk.length) {
        this.current.set(chunk, this.used);
      } else {
        const dst = this.current;
        for (let i = 0, w = this.used; i < n; i++, w++) dst[w] = chunk[offset + i];
      }
      this.used += n;
      offset += n;
      if (this.used === this.size) this.enqueueCurrent();
    }
  }

  /** Writes out everything staged so far; resolves when it is on the file (or capture failed). */
  flush(): Promise<void> {
    if (this.current && this.used > 0) this.enqueueCurrent();
    return this.chain;
  }

  /** Flushes and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.stopTimer();
    await this.flush();
    this.closed = true;
    if (this.failure) return;
    try {
      await this.file.close();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.failure) return;
      void this.flush();
      this.schedule();
    }, this.intervalMs);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueueCurrent(): void {
    const buffer = this.current!;
    const length = this.used;
    this.current = undefined;
    this.used = 0;
    this.chain = this.chain.then(async () => {
      if (!this.failure) {
        try {
          let offset = 0;
          while (offset < length) {
            const { bytesWritten } = await this.file.write(buffer, offset, length - offset);
            offset += bytesWritten;
            this.written += bytesWritten;
          }
        } catch (err) {
          this.fail(err as Error);
        }
      }
      this.free.push(buffer);
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = new CaptureError(this.path, err);
    this.stopTimer();
    this.options.onError?.(this.failure);
    if (!this.closed) void this.file.close().catch(() => undefined);
  }
}
