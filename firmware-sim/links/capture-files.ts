// Capture files: the simulator's bytes written as a board would have sent them (vib.bin, run.bin),
// plus labels.jsonl (what a technician records) and truth.jsonl (hidden causes and true values),
// one line per job in job order. Written as the simulation streams: memory stays flat.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { BoardName } from "../faults.ts";
import type { FinishedJob, Simulator } from "../simulator.ts";

export interface CaptureSummary {
  dir: string;
  jobs: number;
  simSeconds: number;
  bytes: Record<BoardName, number>;
}

/** Buffers writes to one file descriptor in 1 MiB blocks. */
class FileSink {
  private buf = new Uint8Array(1 << 20);
  private len = 0;
  constructor(private readonly fd: number) {}
  write(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) {
      writeSync(this.fd, bytes);
      return;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  flush(): void {
    let off = 0;
    while (off < this.len) off += writeSync(this.fd, this.buf, off, this.len - off);
    this.len = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function labelLine(job: FinishedJob): string {
  return JSON.stringify(job.label);
}

export function truthLine(job: FinishedJob): string {
  const { label: _label, ...truth } = job;
  return JSON.stringify(truth);
}

/** Runs the simulator to its end, writing the four files into dir (created if missing). */
export function writeCaptures(sim: Simulator, dir: string): CaptureSummary {
  mkdirSync(dir, { recursive: true });
  const sinks: Record<BoardName, FileSink> = {
    vib: new FileSink(openSync(join(dir, "vib.bin"), "w")),
    run: new FileSink(openSync(join(dir, "run.bin"), "w")),
  };
  const labels = new FileSink(openSync(join(dir, "labels.jsonl"), "w"));
  const truth = new FileSink(openSync(join(dir, "truth.jsonl"), "w"));
  const enc = new TextEncoder();
  const bytes: Record<BoardName, number> = { vib: 0, run: 0 };
  let jobs = 0;
  const previous = sim.onJob;
  sim.onJob = (job) => {
    previous?.(job);
    labels.write(enc.encode(labelLine(job) + "\n"));
    truth.write(enc.encode(truthLine(job) + "\n"));
    jobs++;
  };
  try {
    for (const chunk of sim.chunks()) {
      sinks[chunk.board].write(chunk.bytes);
      bytes[chunk.board] += chunk.bytes.length;
    }
  } finally {
    sim.onJob = previous;
    sinks.vib.close();
    sinks.run.close();
    labels.close();
    truth.close();
  }
  return { dir, jobs, simSeconds: sim.simUs / 1e6, bytes };
}
