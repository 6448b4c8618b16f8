// GC child script: BoardLink.receive() (watchdog kick, capture staging, decoding) over a realistic
// VIB stream in 1 KiB chunks. With "alloc" it also keeps copies of every chunk (a byte copy and a
// small JS array), which must show GC.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeFrame, type Frame } from "../../../src/protocol/index.ts";
import { BoardLink } from "../../../src/transport/board-link.ts";
import { CaptureWriter } from "../../../src/transport/capture-writer.ts";
import { unrefTimers } from "./unref-timers.ts";

const timers = unrefTimers;

export default async function prepare(args: string[]): Promise<() => void> {
  const allocate = args[0] === "alloc";
  const frames: Uint8Array[] = [];
  for (let k = 0; k < 400; k++) {
    const raw = new Int16Array(96);
    for (let i = 0; i < 96; i++) raw[i] = ((k * 96 + i) * 37) % 30000;
    frames.push(encodeFrame({ type: "SAMPLES", seq: k, t_us: 1_000_000 + k * 10_000, n: 32, channels: 3, raw } as Frame));
  }
  const stream = Buffer.concat(frames); // one 4 s stretch, replayed with continuing seq below
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += 1024) chunks.push(stream.subarray(i, i + 1024));
  const rounds = 400; // 400 × ~85 KB ≈ 34 MB through the receive path
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-gc-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const capture = await CaptureWriter.open(join(dir, "vib.bin"), {
    bufferBytes: rounds * stream.length + 1,
    flushIntervalMs: 3_600_000,
    timers,
  });
  const link = new BoardLink({ path: "/dev/null-board", capture, silenceMs: 3_600_000, timers });
  for (const c of chunks) link.receive(c); // warm-up: JIT and the decoder's first-frame paths
  const kept: unknown[] = [];
  return () => {
    for (let r = 1; r < rounds; r++) {
      for (let i = 0; i < chunks.length; i++) {
        link.receive(chunks[i]);
        if (allocate) kept.push(chunks[i].slice(), Array.from(chunks[i].subarray(0, 64)));
      }
    }
    if (link.decoder.counters.samples === 0) throw new Error("nothing decoded");
  };
}
