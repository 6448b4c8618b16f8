// Raw serial reads with and without coalescing (npx tsx bench/read-coalescing.ts [--seconds S]):
// the simulated boards at real time on ptys (bench/live-sim.ts, another process), both ports read
// in this process with nothing decoded, side by side in one run:
//   stream        serialport's SerialPortStream 'data' events (the transport's previous path)
//   poll          one non-blocking read per poll (the transport's "poll" reader)
//   poll + N ms   the same, but after each read the next poll waits N ms (one reused timer,
//                 timeout.refresh()), so that the kernel can gather several frames for one read
// Figures: CPU of this process (% of one core, ms per board-second), reads per second, and how long
// each frame waited from its write into the pty to its read (p50 / p99 / max).
import { readSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { SerialPort } from "serialport";
import { SerialPortStream } from "@serialport/stream";
import type { BindingInterface, BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { StreamDecoder } from "../src/protocol/stream-decoder.ts";
import type { UnixPortParts } from "../src/transport/poll-reader.ts";
import { ArrivalLog, boardSecondsWritten, quantile, startLiveSim, usageOver } from "./live-runs.ts";

const argv = process.argv.slice(2);
const SECONDS = argv.includes("--seconds") ? Number(argv[argv.indexOf("--seconds") + 1]) : 15;
const binding = SerialPort.binding as BindingInterface;

async function run(mode: "stream" | "poll", delayMs: number) {
  const sim = await startLiveSim();
  const log = new ArrivalLog(Math.ceil((SECONDS + 5) * 400));
  let noting = false;
  let reads = 0;
  const stops: (() => Promise<void>)[] = [];
  for (const [board, path] of [sim.paths.vib, sim.paths.run].entries()) {
    // decoding only to learn each frame's seq (the same work in every mode)
    const decoder: StreamDecoder = new StreamDecoder({ channels: board === 0 ? 3 : 1, sink: { onSamples: () => noting && log.note(board, decoder.lastSeq) } });
    const take = (bytes: Uint8Array) => {
      reads++;
      decoder.push(bytes);
    };
    if (mode === "stream") {
      const port = new SerialPortStream({ binding, path, baudRate: 921600 });
      port.on("data", take);
      stops.push(() => new Promise((r) => port.close(() => r())));
      continue;
    }
    const port = (await binding.open({ path, baudRate: 921600 })) as BindingPortInterface & UnixPortParts;
    const buf = Buffer.alloc(8192);
    let open = true;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => open && port.poller.poll(1);
    port.poller.on("readable", (err) => {
      if (err || !open) return;
      try {
        const n = readSync(port.fd!, buf, 0, buf.length, null);
        if (n > 0) take(buf.subarray(0, n));
      } catch {
        // EAGAIN: nothing after all
      }
      if (delayMs <= 0) arm();
      else if (timer) timer.refresh();
      else timer = setTimeout(arm, delayMs);
    });
    arm();
    stops.push(async () => {
      open = false;
      clearTimeout(timer);
      await port.close();
    });
  }
  await new Promise((r) => setTimeout(r, 2000));
  const reads0 = reads;
  noting = true;
  const use = await usageOver(SECONDS);
  noting = false;
  const readsPerS = (reads - reads0) / SECONDS;
  for (const stop of stops) await stop();
  const writes = await sim.stop();
  return { ...use, readsPerS, boardS: boardSecondsWritten(writes, use.from, use.to), waits: log.transit(writes) };
}

const configs: [string, "stream" | "poll", number][] = [
  ["stream", "stream", 0],
  ["poll", "poll", 0],
  ["poll + 2 ms", "poll", 2],
  ["poll + 4 ms", "poll", 4],
  ["poll + 10 ms", "poll", 10],
];
const load0 = loadavg();
const results = [];
for (const [name, mode, delay] of configs) results.push([name, await run(mode, delay)] as const);
console.log(`raw reads, ${SECONDS} s each, ${cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(" ")} before, ${loadavg().map((l) => l.toFixed(2)).join(" ")} after:`);
console.log(`  ${"".padEnd(14)} ${"% of one core".padStart(13)} ${"CPU ms per board-s".padStart(19)} ${"reads/s".padStart(8)}   write → read p50 / p99 / max ms`);
const base = results[0][1];
for (const [name, r] of results) {
  const w = r.waits;
  console.log(
    `  ${name.padEnd(14)} ${r.cpu.toFixed(2).padStart(11)} % ${(r.cpuMs / r.boardS).toFixed(2).padStart(19)} ${r.readsPerS.toFixed(0).padStart(8)}   ` +
      `${quantile(w, 0.5).toFixed(2)} / ${quantile(w, 0.99).toFixed(2)} / ${w.at(-1)!.toFixed(2)}   (${(r.cpuMs / r.boardS / (base.cpuMs / base.boardS)).toFixed(2)}× stream's CPU)`,
  );
}
process.exit(0);
