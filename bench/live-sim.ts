// Bench helper (child process of bench/replay.ts): the simulated boards at real time on two pty
// pairs, like `edgeprop sim --pty --speed 1`, that also notes when each frame was written into its
// pty, so the bench can time frames from their write (not from their read) to their decoding.
//
//   node --import tsx bench/live-sim.ts LOG.json [--wait-ms MS]
//   prints {"vib": "/dev/pts/N", "run": "/dev/pts/M"} on one line, streams until SIGTERM (or until its stdin closes), then
//   writes LOG.json: { writes: [[epochMs, board (0 vib, 1 run), firstSeq, frames, simUs], …] }
//   (epochMs = performance.timeOrigin + performance.now(), comparable across processes).
import { writeFileSync } from "node:fs";
import { SerialPort } from "serialport";
import { createPtyPair, Pacer, Simulator, type BoardName, type SimChunk } from "../firmware-sim/index.ts";
import { decodeFrame } from "../src/protocol/index.ts";

const [logPath, ...rest] = process.argv.slice(2);
const waitMs = rest[0] === "--wait-ms" ? Number(rest[1]) : 300;
const BOARDS: BoardName[] = ["vib", "run"];
const BAUD: Record<BoardName, number> = { vib: 921600, run: 460800 };

const sim = new Simulator({ scenario: "good", jobs: 100, seed: 7 });
const pairs = await Promise.all(BOARDS.map((b) => createPtyPair({ deviceName: `${b}-device`, hostName: b })));
const ports = await Promise.all(
  pairs.map(
    (pair, i) =>
      new Promise<SerialPort>((resolve, reject) => {
        const port = new SerialPort({ path: pair.devicePath, baudRate: BAUD[BOARDS[i]] }, (err) => (err ? reject(err) : resolve(port)));
        port.on("data", (d: Buffer) => sim.receive(BOARDS[i], d));
        port.on("error", () => {});
      }),
  ),
);

const writes: number[][] = [];
const deliver = (chunk: SimChunk): void => {
  const b = chunk.board === "vib" ? 0 : 1;
  let firstSeq = -1;
  let frames = 0;
  let start = 0;
  for (let i = 0; i < chunk.bytes.length; i++) {
    if (chunk.bytes[i] !== 0) continue;
    const r = decodeFrame(chunk.bytes.subarray(start, i));
    if (r.ok && firstSeq < 0) firstSeq = r.frame.seq;
    if (r.ok) frames++;
    start = i + 1;
  }
  ports[b].write(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length));
  writes.push([performance.timeOrigin + performance.now(), b, firstSeq, frames, chunk.simUs]);
};

process.stdout.write(`${JSON.stringify({ vib: pairs[0].hostPath, run: pairs[1].hostPath })}\n`);
const pacer = new Pacer(sim, deliver, { speed: 1 });
const startTimer = setTimeout(() => pacer.start(), waitMs);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  clearTimeout(startTimer);
  pacer.stop();
  writeFileSync(logPath, JSON.stringify({ writes }));
  void Promise.all(ports.map((p) => new Promise((r) => p.close(() => r(undefined)))))
    .then(() => Promise.all(pairs.map((p) => p.dispose())))
    .finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
// the bench holds our stdin: when it goes away (crashed, killed), so do we
process.stdin.on("end", stop);
process.stdin.resume();
