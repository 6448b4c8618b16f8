// Helpers of bench/replay.ts for its live runs: the simulated boards in a child process
// (bench/live-sim.ts, so the simulator's CPU is not counted), this process's CPU over a window, and
// the times frames took from their write into the pty to their decoding here.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface LiveSim {
  paths: { vib: string; run: string };
  /** Stops the child; its write log: [epochMs, board 0|1, firstSeq, frames, simUs] per write. */
  stop(): Promise<number[][]>;
}

const script = fileURLToPath(new URL("./live-sim.ts", import.meta.url));

export async function startLiveSim(): Promise<LiveSim> {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-bench-live-"));
  const log = join(dir, "writes.json");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", script, log, "--wait-ms", "300"], { stdio: ["pipe", "pipe", "inherit"] });
  const paths = await new Promise<{ vib: string; run: string }>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as { vib: string; run: string });
    });
    child.on("exit", (code) => reject(new Error(`bench/live-sim.ts exited with ${code}`)));
  });
  return {
    paths,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      const writes = (JSON.parse(readFileSync(log, "utf8")) as { writes: number[][] }).writes;
      rmSync(dir, { recursive: true, force: true });
      return writes;
    },
  };
}

export const epochNow = (): number => performance.timeOrigin + performance.now();

export interface Usage {
  /** % of one core: total, user, system. */
  cpu: number;
  user: number;
  system: number;
  /** CPU ms of this process. */
  cpuMs: number;
  /** Window, epoch ms. */
  from: number;
  to: number;
  rss: number;
  /** 1-minute load average at the start and the end. */
  load: [number, number];
}

/** This process's CPU over the next `seconds`, and its RSS (MB) at the end. */
export async function usageOver(seconds: number): Promise<Usage> {
  const load0 = loadavg()[0];
  const cpu0 = process.cpuUsage();
  const from = epochNow();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const to = epochNow();
  const pc = (us: number) => (us / 1000 / (to - from)) * 100;
  const rss = process.memoryUsage().rss / 1e6;
  return { cpu: pc(cpu.user + cpu.system), user: pc(cpu.user), system: pc(cpu.system), cpuMs: (cpu.user + cpu.system) / 1000, from, to, rss, load: [load0, loadavg()[0]] };
}

/** Board seconds the simulator wrote between two epoch times (from its write log). */
export function boardSecondsWritten(writes: number[][], from: number, to: number): number {
  let at0 = NaN;
  let at1 = NaN;
  for (const [epoch, , , , simUs] of writes) {
    if (epoch <= from) at0 = simUs;
    if (epoch <= to) at1 = simUs;
  }
  return (at1 - at0) / 1e6;
}

/** Frames decoded here, noted by board (0 vib, 1 run), seq and epoch ms, in preallocated arrays. */
export class ArrivalLog {
  n = 0;
  private readonly board: Uint8Array;
  private readonly seq: Uint16Array;
  private readonly at: Float64Array;
  constructor(capacity: number) {
    this.board = new Uint8Array(capacity);
    this.seq = new Uint16Array(capacity);
    this.at = new Float64Array(capacity);
  }
  note(board: number, seq: number): void {
    if (this.n >= this.at.length) return;
    this.board[this.n] = board;
    this.seq[this.n] = seq;
    this.at[this.n++] = epochNow();
  }
  /** Write → decoded, ms, for every noted frame found in the write log, sorted. */
  transit(writes: number[][]): number[] {
    const written = new Map<number, number>();
    for (const [epoch, board, firstSeq, frames] of writes) {
      for (let k = 0; k < frames; k++) written.set(board * 65536 + ((firstSeq + k) & 0xffff), epoch);
    }
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const w = written.get(this.board[i] * 65536 + this.seq[i]);
      if (w !== undefined && w <= this.at[i] + 1) out.push(this.at[i] - w);
    }
    return out.sort((a, b) => a - b);
  }
}

/** p-quantile of sorted values. */
export const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
