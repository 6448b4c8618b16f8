// GC child script: the "poll" reader's per-read path (PollReader.readReady: non-blocking reads into
// the preallocated buffer, the cached views, BoardLink.receive: watchdog kick and decoding), fed
// through a FIFO (the poller is a stand-in: readReady is what its 'readable' event calls). The
// reader's buffer is 1 KiB, so each readReady takes ~40 reads of what one write put in the FIFO:
// fs.writeSync allocates a little per call (node 20), the reads must not. With "alloc" the loop
// also keeps a copy of every chunk (bytes and a small JS array), which must show GC.
import { execFileSync } from "node:child_process";
import { constants, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { encodeFrame, type Frame } from "../../../src/protocol/index.ts";
import { BoardLink } from "../../../src/transport/board-link.ts";
import { PollReader, type UnixPortParts } from "../../../src/transport/poll-reader.ts";
import { ReadBuffer } from "../../../src/transport/read-buffer.ts";
import { unrefTimers } from "./unref-timers.ts";

const timers = unrefTimers;

export default async function prepare(args: string[]): Promise<() => void> {
  const allocate = args[0] === "alloc";
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-gc-fifo-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, "board");
  execFileSync("mkfifo", [fifo]);
  const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeEnd = openSync(fifo, constants.O_WRONLY);

  // 400 SAMPLES frames (4 s of VIB, ~82 KB), written in two halves (a FIFO holds 64 KiB)
  const frames: Uint8Array[] = [];
  for (let k = 0; k < 400; k++) {
    const raw = new Int16Array(96);
    for (let i = 0; i < 96; i++) raw[i] = ((k * 96 + i) * 37) % 30000;
    frames.push(encodeFrame({ type: "SAMPLES", seq: k, t_us: 1_000_000 + k * 10_000, n: 32, channels: 3, raw } as Frame));
  }
  const bursts = [Buffer.concat(frames.slice(0, 200)), Buffer.concat(frames.slice(200))];

  const link = new BoardLink({ path: fifo, silenceMs: 3_600_000, timers });
  const poller = { polls: 0, poll: () => void poller.polls++, on: () => poller, removeListener: () => poller };
  const port = { fd: readEnd, poller } as unknown as BindingPortInterface & UnixPortParts;
  const kept: unknown[] = [];
  const reader = new PollReader(port, new ReadBuffer(1024), {
    onData: (view) => {
      link.receive(view);
      if (allocate) kept.push(view.slice(), Array.from(view.subarray(0, 64)));
    },
    onLost: (reason) => {
      throw new Error(`lost: ${reason}`);
    },
  });
  reader.start();
  const pass = () => {
    for (let i = 0; i < bursts.length; i++) {
      writeSync(writeEnd, bursts[i]);
      reader.readReady();
    }
  };
  pass(); // warm-up: JIT, the decoder's first frames, the views of each chunk size
  const rounds = 300; // 300 × ~82 KB ≈ 25 MB, ~24,000 reads
  return () => {
    for (let r = 0; r < rounds; r++) pass();
    if (link.decoder.counters.samples === 0 || reader.reads < rounds * 80) throw new Error("nothing read");
  };
}
