// Decode throughput of a realistic two-board stream (npm run bench:protocol).
// VIB: 3 ch × 3200 Hz, 32 samples a frame; RUN: 1 ch × 1000 Hz, 20 samples a frame, INDEX per
// revolution, LATHE ~1/s, STATUS 1/s on both. Printed side by side: our StreamDecoder (rings and
// callbacks) fed 4 KiB and 64-byte chunks, against a naive decoder that splits on 0x00 and builds an
// object per frame with decodeFrame; all as MB/s and as multiples of the boards' real byte rate.
// MB per CPU second of this process is printed too: on a busy machine it is the steadier figure,
// and the × naive ratio uses it.
import { decodeFrame } from "../src/protocol/decode-frame.ts";
import { StreamDecoder, TIME_MARK_US, type FrameSink } from "../src/protocol/stream-decoder.ts";
import { runStream, vibStream } from "../test/protocol/support/board-stream.ts";
import { timePasses } from "./measure.ts";

const BOARD_SECONDS = 60;
const MIN_MS = 1500;

const vib = vibStream({ seconds: BOARD_SECONDS, seed: 1, startUs: 4294967296 - 20_000_000 });
const run = runStream({ seconds: BOARD_SECONDS, seed: 2, startUs: 4294967296 - 20_000_000 });
const bytesPerPass = vib.bytes.length + run.bytes.length;
const boardRate = bytesPerPass / BOARD_SECONDS;

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out;
}

interface Rate {
  /** MB per wall-clock second */
  wall: number;
  /** MB per CPU second of this process (steadier when other work shares the machine) */
  cpu: number;
}

/** Runs pass() until MIN_MS has elapsed (after a warm-up). */
function measure(pass: () => void): Rate {
  const t = timePasses(pass, 5, MIN_MS);
  const mb = (t.passes * bytesPerPass) / 1e6;
  return { wall: mb / t.wallSeconds, cpu: mb / t.cpuSeconds };
}

class Sink implements FrameSink {
  readonly sums = new Float64Array(1);
  constructor(private readonly decoder: () => StreamDecoder) {}
  onSamples(first: number, n: number): void {
    this.sums[0] += first + n;
  }
  onIndex(periodUs: number): void {
    this.sums[0] += periodUs + this.decoder().times[TIME_MARK_US];
  }
  onLathe(state: number, rpm: number): void {
    this.sums[0] += state + rpm;
  }
}

function streaming(chunkSize: number): () => void {
  const v: StreamDecoder = new StreamDecoder({ channels: 3, sink: new Sink(() => v) });
  const r: StreamDecoder = new StreamDecoder({ channels: 1, sink: new Sink(() => r) });
  const vc = chunksOf(vib.bytes, chunkSize);
  const rc = chunksOf(run.bytes, chunkSize);
  return () => {
    for (let i = 0; i < vc.length; i++) v.push(vc[i]);
    for (let i = 0; i < rc.length; i++) r.push(rc[i]);
  };
}

/** The obvious alternative: find each 0x00, decode the frame into an object, keep the samples. */
function naive(): () => void {
  let sink = 0;
  const one = (bytes: Uint8Array) => {
    let start = 0;
    for (let z = bytes.indexOf(0); z >= 0; z = bytes.indexOf(0, start)) {
      const r = decodeFrame(bytes.subarray(start, z));
      if (r.ok && r.frame.type === "SAMPLES") sink += r.frame.raw.length;
      start = z + 1;
    }
  };
  return () => {
    one(vib.bytes);
    one(run.bytes);
    if (sink < 0) console.log(sink);
  };
}

const results: [string, Rate][] = [
  ["StreamDecoder, 4 KiB chunks", measure(streaming(4096))],
  ["StreamDecoder, 64 B chunks", measure(streaming(64))],
  ["naive: split + decodeFrame objects", measure(naive())],
];
const base = results[2][1];
console.log(`two-board stream: ${(bytesPerPass / 1e6).toFixed(2)} MB per ${BOARD_SECONDS} s of board time ` +
  `(${vib.frames.length + run.frames.length} frames); boards' real rate ${(boardRate / 1e3).toFixed(1)} kB/s`);
console.log("decoder                              MB/s wall  MB/CPU-s   × naive   × real time");
for (const [name, r] of results) {
  console.log(`${name.padEnd(36)} ${r.wall.toFixed(1).padStart(9)} ${r.cpu.toFixed(1).padStart(9)}  ${(r.cpu / base.cpu).toFixed(2).padStart(8)}  ${((r.wall * 1e6) / boardRate).toFixed(0).padStart(11)}`);
}
const target = 50;
console.log(`target ≥ ${target} MB/s (4 KiB chunks, wall clock): ${results[0][1].wall >= target ? "met" : "NOT met"}`);
