// Replay throughput (npm run bench:replay): a pair of captures (10 min of both boards' board time,
// realistic frame mix) played by ReplaySource — streaming file reads, time-ordered merge of the two
// files, decoding — side by side with the decoders alone fed the same bytes from memory in 64 KiB
// chunks (no files, no merge). The ratio is what reading and merging cost on top of decoding.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamDecoder } from "../src/protocol/index.ts";
import { ReplaySource } from "../src/transport/replay-source.ts";
import { runStream, vibStream } from "../test/protocol/support/board-stream.ts";

const BOARD_SECONDS = 600;
const PASSES = 5;

const vib = vibStream({ seconds: BOARD_SECONDS, seed: 1 });
const run = runStream({ seconds: BOARD_SECONDS, seed: 2 });
const total = vib.bytes.length + run.bytes.length;
const dir = mkdtempSync(join(tmpdir(), "edgeprop-bench-replay-"));
writeFileSync(join(dir, "vib.bin"), vib.bytes);
writeFileSync(join(dir, "run.bin"), run.bytes);

function decodeInMemory(): number {
  const v = new StreamDecoder({ channels: 3 });
  const r = new StreamDecoder({ channels: 1 });
  for (const [d, bytes] of [[v, vib.bytes], [r, run.bytes]] as const) {
    for (let i = 0; i < bytes.length; i += 65536) d.push(bytes.subarray(i, i + 65536));
  }
  return v.counters.samples + r.counters.samples;
}

async function replay(readBytes: number): Promise<number> {
  const source = new ReplaySource({ dir, readBytes });
  await source.play();
  return source.vib.counters.samples + source.run.counters.samples;
}

async function best(fn: () => number | Promise<number>): Promise<{ mbs: number; samples: number }> {
  let bestMs = Infinity;
  let samples = 0;
  for (let i = 0; i < PASSES + 1; i++) {
    const t0 = performance.now();
    samples = await fn();
    const ms = performance.now() - t0;
    if (i > 0) bestMs = Math.min(bestMs, ms); // first pass warms up
  }
  return { mbs: total / 1e6 / (bestMs / 1e3), samples };
}

const memory = await best(decodeInMemory);
const replay64k = await best(() => replay(65536));
const replay4k = await best(() => replay(4096));
rmSync(dir, { recursive: true, force: true });
if (replay64k.samples !== memory.samples || replay4k.samples !== memory.samples) {
  throw new Error(`replay decoded ${replay64k.samples} / ${replay4k.samples} samples, in-memory ${memory.samples}`);
}
const boardsRate = total / BOARD_SECONDS;
const row = (name: string, mbs: number) =>
  `${name.padEnd(44)} ${mbs.toFixed(1).padStart(7)} MB/s  ${(mbs / memory.mbs).toFixed(2).padStart(5)}× in-memory  ${((mbs * 1e6) / boardsRate).toFixed(0).padStart(6)}× real time`;
console.log(`captures: ${(total / 1e6).toFixed(1)} MB = ${BOARD_SECONDS} s of both boards (${(boardsRate / 1e3).toFixed(1)} kB/s live)`);
console.log(row("decoders alone, bytes in memory, 64 KiB", memory.mbs));
console.log(row("ReplaySource, files, merged, 64 KiB reads", replay64k.mbs));
console.log(row("ReplaySource, files, merged, 4 KiB reads", replay4k.mbs));
