// From the boards' decoders to the controller's channels: a FrameSink per board that copies each
// SAMPLES frame's samples from the decoder's ring into boards.vib / boards.run and every other
// frame (and link event) into boards.events, with times on one timeline for both boards.
// Used by both sources (live boards, replay); allocation-free per frame.
//
// One timeline: each decoder unwraps its own board's 32-bit clock, taking its first time as is. If
// the two boards' first frames fall on either side of a 2^32 wrap, their timelines would differ by
// 2^32 µs; a board's offset is therefore chosen, at its first frame, as the multiple of 2^32 that
// puts it nearest the other board's latest time.
import { TIME_FRAME_US, TIME_MARK_US, TIME_RAW_US, type FrameSink, type StreamDecoder } from "../protocol/index.ts";
import type { NumericWriter } from "../runtime/index.ts";
import { Board, BoardEvent } from "./channels.ts";

const TWO32 = 4294967296;
type EventField = "kind" | "board" | "t" | "a" | "b" | "c" | "d" | "e" | "f";

export interface FeedWriters {
  vib: NumericWriter<"t" | "x" | "y" | "z" | "sat" | "seg" | "w">;
  run: NumericWriter<"t" | "v" | "sat" | "seg" | "w">;
  events: NumericWriter<EventField>;
}

export class BoardFeed {
  /** [arrival ms of the bytes being pushed (NaN in a replay), offset vib, offset run, latest vib, latest run, seen vib, seen run] */
  readonly state = new Float64Array([Number.NaN, 0, 0, -Infinity, -Infinity, 0, 0]);
  readonly sinks: { vib: FrameSink; run: FrameSink };
  private readonly decoders: (StreamDecoder | null)[] = [null, null];
  private readonly ev: Float64Array[];
  private readonly vibCols: Float64Array[];
  private readonly runCols: Float64Array[];
  /** Called after events are written (e.g. to move the board clock). */
  onTime: ((board: number) => void) | null = null;
  /** Live: stamp samples with performance.now() (arrival); a replay leaves NaN. */
  live = false;
  /** Finds a board's decoder when none was attached (live links make theirs when found). */
  resolve: ((board: number) => StreamDecoder | undefined) | null = null;

  constructor(private readonly w: FeedWriters) {
    this.ev = (["kind", "board", "t", "a", "b", "c", "d", "e", "f"] as const).map((f) => w.events.column(f));
    this.vibCols = (["t", "x", "y", "z", "sat", "seg", "w"] as const).map((f) => w.vib.column(f));
    this.runCols = (["t", "v", "sat", "seg", "w"] as const).map((f) => w.run.column(f));
    this.sinks = { vib: this.makeSink(Board.VIB), run: this.makeSink(Board.RUN) };
  }

  /** The decoder of a board (once it exists: live links make theirs when found). */
  attach(board: number, decoder: StreamDecoder): void {
    this.decoders[board] = decoder;
  }

  /** Board time (on the shared timeline) of the newest frame of a board. */
  latest(board: number): number {
    return this.state[3 + board];
  }

  /** Writes COUNTERS, then an event row without frame data (LOST, BACK, END) at the newest time seen. */
  event(kind: number, board: number): void {
    this.counters();
    const t = Math.max(this.state[3], this.state[4]);
    this.row(kind, board, Number.isFinite(t) ? t : 0, 0, 0, 0, 0, 0, 0);
  }

  /** COUNTERS rows of both boards (those with a decoder). */
  counters(): void {
    for (let b = 0; b < 2; b++) {
      const d = this.decoders[b];
      if (!d) continue;
      const c = d.counters;
      this.row(BoardEvent.COUNTERS, b, this.state[3 + b], c.framesOk, c.droppedTotal(), c.lostFrames, c.gaps, c.resets, c.samples);
    }
  }

  private align(board: number, t: number): number {
    const s = this.state;
    if (t !== t) return t;
    if (s[5 + board] === 0) {
      s[5 + board] = 1;
      const other = s[3 + (1 - board)];
      if (Number.isFinite(other)) s[1 + board] = Math.round((other - t) / TWO32) * TWO32;
    }
    const aligned = t + s[1 + board];
    if (aligned > s[3 + board]) s[3 + board] = aligned;
    return aligned;
  }

  private row(kind: number, board: number, t: number, a: number, b: number, c: number, d: number, e: number, f: number): void {
    const slot = this.w.events.claim();
    if (slot < 0) return;
    const ev = this.ev;
    ev[0][slot] = kind;
    ev[1][slot] = board;
    ev[2][slot] = t;
    ev[3][slot] = a;
    ev[4][slot] = b;
    ev[5][slot] = c;
    ev[6][slot] = d;
    ev[7][slot] = e;
    ev[8][slot] = f;
    this.w.events.publish();
    this.onTime?.(board);
  }

  private decoder(board: number): StreamDecoder | null {
    let d = this.decoders[board];
    if (d === null && this.resolve !== null) {
      d = this.resolve(board) ?? null;
      this.decoders[board] = d;
    }
    return d;
  }

  private frameTime(board: number): number {
    const d = this.decoder(board);
    if (d === null) return Number.NaN;
    return this.align(board, d.times[TIME_FRAME_US]);
  }

  private makeSink(board: number): FrameSink {
    const feed = this;
    return {
      onHello(_kind, _fwMajor, _fwMinor, _channels, serialNo, rateHz, lsb, reset) {
        if (reset) feed.counters(); // so a job that ends at this reboot counts it
        feed.row(BoardEvent.HELLO, board, feed.frameTime(board), rateHz, lsb, reset ? 1 : 0, serialNo, 0, 0);
      },
      onSamples(first, n) {
        feed.copySamples(board, first, n);
      },
      onIndex(periodUs) {
        const d = feed.decoder(board);
        if (d === null) return;
        feed.frameTime(board);
        const mark = d.times[TIME_MARK_US] + feed.state[1 + board];
        feed.row(BoardEvent.INDEX, board, mark, periodUs, mark % TWO32, 0, 0, 0, 0);
      },
      onLathe(state, rpm, tool, flags) {
        const t = feed.frameTime(board);
        feed.row(BoardEvent.LATHE, board, t, state, rpm, tool, flags, feed.decoder(board)?.times[TIME_RAW_US] ?? 0, 0);
        feed.counters();
      },
      onStatus(flags, _temp, dropped) {
        feed.row(BoardEvent.STATUS, board, feed.frameTime(board), flags, dropped, 0, 0, 0, 0);
      },
      onGap(lost) {
        feed.row(BoardEvent.GAP, board, feed.frameTime(board), lost, 0, 0, 0, 0, 0);
      },
    };
  }

  private copySamples(board: number, first: number, n: number): void {
    const d = this.decoder(board);
    if (d === null) return;
    if (this.live) this.state[0] = performance.now();
    const ring = d.ring;
    const cap = ring.capacity;
    const arrival = this.state[0];
    if (board === Board.VIB) {
      const w = this.w.vib;
      const c = this.vibCols;
      const v0 = ring.values[0];
      const v1 = ring.values[1];
      const v2 = ring.values[2];
      for (let i = first; i < first + n; i++) {
        const r = i % cap;
        const slot = w.claim();
        if (slot < 0) return;
        c[0][slot] = this.align(board, ring.timeUs[r]);
        c[1][slot] = v0[r];
        c[2][slot] = v1[r];
        c[3][slot] = v2[r];
        c[4][slot] = ring.saturation[r];
        c[5][slot] = ring.segment[r];
        c[6][slot] = arrival;
        w.publish();
      }
    } else {
      const w = this.w.run;
      const c = this.runCols;
      const v0 = ring.values[0];
      for (let i = first; i < first + n; i++) {
        const r = i % cap;
        const slot = w.claim();
        if (slot < 0) return;
        c[0][slot] = this.align(board, ring.timeUs[r]);
        c[1][slot] = v0[r];
        c[2][slot] = ring.saturation[r];
        c[3][slot] = ring.segment[r];
        c[4][slot] = arrival;
        w.publish();
      }
    }
  }
}
