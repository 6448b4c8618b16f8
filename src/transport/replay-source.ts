// Plays a pair of captures (vib.bin, run.bin) into two StreamDecoders as if they were the boards:
// frames from both files are merged in board-time order (the boards share one timebase) and fed as
// fast as the CPU allows, reading both files in pieces (constant memory). Results depend only on the
// captures, never on the read size or on timing: the same captures give the same decoded stream.
//
// Order: before a frame is fed, its header time is peeked (COBS-decoded into a scratch buffer and
// checked) and unwrapped on one clock shared by both files; the file whose next frame is earlier goes
// first (RUN first on a tie, so a revolution's INDEX precedes VIB samples of the same instant).
// Damaged bytes have no trustworthy time and are fed at once, where they lie in their own file.
import { join } from "node:path";
import {
  CHECK_OK,
  ClockUnwrap,
  MAX_ENCODED_BYTES,
  StreamDecoder,
  checkPayload,
  cobsDecodeInto,
  type StreamDecoderOptions,
} from "../protocol/index.ts";
import { CaptureReader } from "./capture-reader.ts";

export interface ReplayOptions {
  /** vib.bin and run.bin; or give `dir` holding both. */
  vibPath?: string;
  runPath?: string;
  dir?: string;
  /** Decoder options per board (defaults: VIB ring of 3 channels, RUN ring of 1). */
  vib?: StreamDecoderOptions;
  run?: StreamDecoderOptions;
  /** File read size, bytes. Default 65536. */
  readBytes?: number;
  /** Called with every piece fed to a decoder (a view into the read buffer: copy to keep). */
  onChunk?: (board: "vib" | "run", chunk: Uint8Array) => void;
}

export interface ReplayStats {
  bytes: number;
  /** Delimited runs fed (frames, good or bad). */
  runs: number;
  /** Times the feed switched from one file to the other. */
  switches: number;
}

const NO_TIME = Number.NaN;

/** One file's side of the merge: its reader, the time of its next run, and its decoder. */
class Side {
  /** Unwrapped header time of the current run (NaN: not a good frame), and its raw u32. */
  time = NO_TIME;
  raw = 0;
  done = false;
  constructor(
    readonly reader: CaptureReader,
    readonly decoder: StreamDecoder,
  ) {}
}

export class ReplaySource {
  readonly vib: StreamDecoder;
  readonly run: StreamDecoder;
  private readonly vibPath: string;
  private readonly runPath: string;
  private readonly scratch = new Uint8Array(MAX_ENCODED_BYTES);
  private readonly view = new DataView(this.scratch.buffer);
  private readonly clock = new ClockUnwrap();

  constructor(private readonly options: ReplayOptions) {
    const dir = options.dir;
    const vibPath = options.vibPath ?? (dir !== undefined ? join(dir, "vib.bin") : undefined);
    const runPath = options.runPath ?? (dir !== undefined ? join(dir, "run.bin") : undefined);
    if (!vibPath || !runPath) throw new TypeError("ReplaySource needs `dir`, or both `vibPath` and `runPath`");
    this.vibPath = vibPath;
    this.runPath = runPath;
    this.vib = new StreamDecoder({ channels: 3, ...options.vib });
    this.run = new StreamDecoder({ channels: 1, ...options.run });
  }

  /** Feeds both captures to the end. Rejects with EP_ERR_CAPTURE_READ naming a file it cannot read. */
  async play(): Promise<ReplayStats> {
    const readBytes = this.options.readBytes;
    const vibReader = await CaptureReader.open(this.vibPath, { readBytes });
    let runReader: CaptureReader;
    try {
      runReader = await CaptureReader.open(this.runPath, { readBytes });
    } catch (err) {
      await vibReader.close();
      throw err;
    }
    const vib = new Side(vibReader, this.vib);
    const run = new Side(runReader, this.run);
    const stats: ReplayStats = { bytes: 0, runs: 0, switches: 0 };
    let last: Side | undefined;
    try {
      await this.advance(vib);
      await this.advance(run);
      while (!vib.done || !run.done) {
        const side = this.pick(run, vib);
        if (side !== last && last !== undefined) stats.switches++;
        last = side;
        await this.feedBatch(side, run, vib, stats);
      }
    } finally {
      await vibReader.close();
      await runReader.close();
    }
    return stats;
  }

  /**
   * Feeds `side`'s runs for as long as it stays the one to go next and its runs lie in the reader's
   * window, as one push (one view, not one per frame); then reads on if the window ran out.
   */
  private async feedBatch(side: Side, run: Side, vib: Side, stats: ReplayStats): Promise<void> {
    const r = side.reader;
    const batchStart = r.runStart;
    for (;;) {
      stats.runs++;
      if (!Number.isNaN(side.time)) this.clock.unwrap(side.raw, true);
      const end = r.runEnd;
      if (!r.tryNext()) {
        this.push(side, batchStart, end, stats);
        await this.advance(side);
        return;
      }
      this.peek(side);
      if (this.pick(run, vib) !== side) {
        this.push(side, batchStart, end, stats);
        return;
      }
    }
  }

  private push(side: Side, start: number, end: number, stats: ReplayStats): void {
    stats.bytes += end - start;
    const chunk = side.reader.buffer.subarray(start, end);
    this.options.onChunk?.(side.decoder === this.vib ? "vib" : "run", chunk);
    side.decoder.push(chunk);
  }

  /** The side to feed next: a run without a time at once, else the earlier one (RUN on a tie). */
  private pick(run: Side, vib: Side): Side {
    if (run.done) return vib;
    if (vib.done) return run;
    if (Number.isNaN(run.time)) return run;
    if (Number.isNaN(vib.time)) return vib;
    return vib.time < run.time ? vib : run;
  }

  private async advance(side: Side): Promise<void> {
    if (!(await side.reader.next())) {
      side.done = true;
      side.time = NO_TIME;
      return;
    }
    this.peek(side);
  }

  /** Sets the side's time from its current run's header (NaN when the run is not a good frame). */
  private peek(side: Side): void {
    const r = side.reader;
    side.time = NO_TIME;
    if (!r.runComplete) return;
    const len = cobsDecodeInto(r.buffer, r.runStart, r.runEnd - 1, this.scratch);
    if (len < 0 || checkPayload(this.scratch, len) !== CHECK_OK) return;
    side.raw = this.view.getUint32(4, true);
    side.time = this.clock.unwrap(side.raw, false);
  }
}
