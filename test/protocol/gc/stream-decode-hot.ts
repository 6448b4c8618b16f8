// GC child script (run by test/support/gc-count.ts): steady-state decoding of a two-board stream.
// args[0] = "stream": StreamDecoder with a sink and rings (must allocate nothing);
//           "objects": decodeFrame per frame, the naive object-per-frame decoder (the control).
import { decodeFrame } from "../../../src/protocol/decode-frame.ts";
import { StreamDecoder, TIME_FRAME_US, TIME_MARK_US, type FrameSink } from "../../../src/protocol/stream-decoder.ts";
import { runStream, vibStream } from "../support/board-stream.ts";

const PASSES = 60;
const CHUNK = 1500;

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out;
}

/** Uses every argument and time; keeps its sums in a typed array (V8 may allocate a heap number for
 *  a double stored in an object field), so any GC seen comes from the decoder. */
class SummingSink implements FrameSink {
  readonly sums = new Float64Array(2);
  constructor(private readonly decoder: () => StreamDecoder) {}
  onHello(kind: number, _a: number, _b: number, channels: number, serialNo: number, rateHz: number, lsb: number): void {
    this.sums[0] += kind + channels + serialNo + rateHz + lsb;
  }
  onSamples(first: number, n: number): void {
    const ring = this.decoder().ring;
    this.sums[1] += ring.timeUs[ring.slot(first + n - 1)] - ring.timeUs[ring.slot(first)];
  }
  onIndex(periodUs: number): void {
    const t = this.decoder().times;
    this.sums[0] += t[TIME_MARK_US] - t[TIME_FRAME_US] + periodUs;
  }
  onLathe(state: number, rpm: number, tool: number, flags: number): void {
    this.sums[0] += state + rpm + tool + flags + this.decoder().times[TIME_FRAME_US];
  }
  onStatus(flags: number, temp: number, dropped: number): void {
    this.sums[0] += flags + temp + dropped + this.decoder().times[TIME_FRAME_US];
  }
  onGap(lost: number): void {
    this.sums[0] += lost;
  }
}

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "stream";
  const vib = vibStream({ seconds: 30, seed: 1, startUs: 4294967296 - 10_000_000 });
  const run = runStream({ seconds: 30, seed: 2, startUs: 4294967296 - 10_000_000 });
  const vibFrames = vib.frames.length;
  const runFrames = run.frames.length;
  const vibChunks = chunksOf(vib.bytes, CHUNK);
  const runChunks = chunksOf(run.bytes, CHUNK);
  console.log(`decoding ${((PASSES * (vib.bytes.length + run.bytes.length)) / 1e6).toFixed(1)} MB`);

  if (mode === "objects") {
    const frames = [...vib.starts.map((s, i) => vib.bytes.subarray(s, vib.starts[i + 1] ?? vib.bytes.length)),
      ...run.starts.map((s, i) => run.bytes.subarray(s, run.starts[i + 1] ?? run.bytes.length))];
    let total = 0;
    const pass = () => {
      for (const f of frames) {
        const r = decodeFrame(f);
        if (r.ok) total += r.frame.seq;
      }
    };
    pass();
    return () => {
      for (let p = 0; p < PASSES; p++) pass();
      if (total < 0) console.log(total);
    };
  }

  const vibSink = new SummingSink(() => vibDecoder);
  const runSink = new SummingSink(() => runDecoder);
  const vibDecoder: StreamDecoder = new StreamDecoder({ sink: vibSink, ringCapacity: 32768, channels: 3 });
  const runDecoder: StreamDecoder = new StreamDecoder({ sink: runSink, ringCapacity: 32768, channels: 1 });
  const pass = () => {
    for (let i = 0; i < vibChunks.length; i++) vibDecoder.push(vibChunks[i]);
    for (let i = 0; i < runChunks.length; i++) runDecoder.push(runChunks[i]);
  };
  for (let i = 0; i < 3; i++) pass(); // warm-up: JIT and first touch of the rings
  return () => {
    for (let p = 0; p < PASSES; p++) pass();
    if (vibDecoder.counters.framesOk !== (PASSES + 3) * vibFrames) throw new Error("vib frames lost");
    if (runDecoder.counters.framesOk !== (PASSES + 3) * runFrames) throw new Error("run frames lost");
    if (!(vibSink.sums[1] > 0 && runSink.sums[0] > 0)) throw new Error("sinks saw nothing");
    // Nothing is printed here: printing allocates. The child exits non-zero if a check fails.
  };
}
