// Reads one capture file in fixed-size pieces into a reused window and hands out its delimited runs
// (one frame each: bytes up to and including a 0x00) without copying them, so a capture of any
// length is replayed in constant memory. A run cut by the window's end is moved to the window's
// start before the next read; a run too long for any frame is handed out in pieces (the decoder
// drops it by length, as it would live).
import { promises as fs } from "node:fs";
import { MAX_ENCODED_BYTES } from "../protocol/index.ts";
import { TransportError } from "./errors.ts";

export interface CaptureReaderOptions {
  /** Bytes read from the file per read call. Default 65536. Any size ≥ 1 gives the same runs. */
  readBytes?: number;
}

export class CaptureReader {
  /** The window; runs are [runStart, runEnd) of it. */
  readonly buffer: Uint8Array;
  runStart = 0;
  runEnd = 0;
  /** True when the run ends with its 0x00 (false: trailing bytes of an unfinished frame, or a piece). */
  runComplete = false;
  private filled = 0;
  private eof = false;
  private position = 0;
  private closed = false;

  static async open(path: string, options: CaptureReaderOptions = {}): Promise<CaptureReader> {
    let file: fs.FileHandle;
    try {
      file = await fs.open(path, "r");
    } catch (err) {
      throw new TransportError("EP_ERR_CAPTURE_READ", `capture ${path}: ${(err as Error).message}`, { cause: err });
    }
    return new CaptureReader(path, file, options);
  }

  private constructor(
    readonly path: string,
    private readonly file: fs.FileHandle,
    options: CaptureReaderOptions,
  ) {
    const readBytes = options.readBytes ?? 65536;
    if (!Number.isInteger(readBytes) || readBytes < 1) {
      throw new RangeError(`capture readBytes must be an integer ≥ 1, got ${readBytes}`);
    }
    this.readBytes = readBytes;
    this.buffer = new Uint8Array(readBytes + MAX_ENCODED_BYTES + 1);
  }

  private readonly readBytes: number;

  /** Bytes read from the file so far. */
  get bytesRead(): number {
    return this.position;
  }

  /**
   * Advances to the next run if it is already in the window (no I/O). Returns false, leaving the
   * current run as it was, when more must be read first (or the file is done): then call next().
   */
  tryNext(): boolean {
    const z = this.buffer.indexOf(0, this.runEnd);
    if (z >= 0 && z < this.filled) {
      this.runStart = this.runEnd;
      this.runEnd = z + 1;
      this.runComplete = true;
      return true;
    }
    const pending = this.filled - this.runEnd;
    if (pending > MAX_ENCODED_BYTES || (this.eof && pending > 0)) {
      // Overlong (no frame is this long) or the file ends mid-frame: hand the bytes out as they are.
      this.runStart = this.runEnd;
      this.runEnd = this.filled;
      this.runComplete = false;
      return true;
    }
    return false;
  }

  /**
   * Advances to the next run, reading as needed. Returns false at the end of the file. The bytes
   * of earlier runs are no longer valid after this call.
   */
  async next(): Promise<boolean> {
    for (;;) {
      if (this.tryNext()) return true;
      if (this.eof) return false;
      this.compact();
      await this.fill();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }

  private compact(): void {
    const pending = this.filled - this.runEnd;
    if (this.runEnd > 0) this.buffer.copyWithin(0, this.runEnd, this.filled);
    this.runStart = 0;
    this.runEnd = 0;
    this.filled = pending;
  }

  private async fill(): Promise<void> {
    let bytesRead: number;
    try {
      ({ bytesRead } = await this.file.read(this.buffer, this.filled, this.readBytes, this.position));
    } catch (err) {
      throw new TransportError("EP_ERR_CAPTURE_READ", `capture ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    if (bytesRead === 0) this.eof = true;
    this.position += bytesRead;
    this.filled += bytesRead;
  }
}
