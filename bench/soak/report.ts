// The soak's figures: the boards plugin's status line parsed into drop counts by reason, the memory
// trend (least-squares slope over the second half of the run), and the table over board time.
import type { Usage } from "./controller-child.ts";

export interface BoardDrops {
  state: string;
  framesOk: number;
  dropped: number;
  /** Dropped frames per reason (cobs, short, crc, version, type, length); only the non-zero ones. */
  byReason: Record<string, number>;
  lostFrames: number;
  gaps: number;
  resets: number;
  reconnects: number;
}

const BOARD = /(vib|run): (\S+)(?: \d+ Hz)? frames (\d+) drops (\d+)(?: \(([^)]*)\))? lost (\d+) gaps (\d+) resets (\d+) reconnects (\d+)/g;

/** Reads a line of plugins/boards/status.ts (`boards 2/2 | vib: ready 3200 Hz frames … reconnects K | run: …`). */
export function parseStatusLine(line: string): Partial<Record<"vib" | "run", BoardDrops>> {
  const out: Partial<Record<"vib" | "run", BoardDrops>> = {};
  for (const m of line.matchAll(BOARD)) {
    const byReason: Record<string, number> = {};
    for (const part of (m[5] ?? "").split(", ").filter(Boolean)) {
      const [reason, n] = part.split(" ");
      byReason[reason] = Number(n);
    }
    out[m[1] as "vib" | "run"] = {
      state: m[2],
      framesOk: Number(m[3]),
      dropped: Number(m[4]),
      byReason,
      lostFrames: Number(m[6]),
      gaps: Number(m[7]),
      resets: Number(m[8]),
      reconnects: Number(m[9]),
    };
  }
  return out;
}

/** Least-squares slope of y over x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return den > 0 ? num / den : Number.NaN;
}

/** A sample of the controller's usage at a board time (s since power-up), with the board s it covers. */
export interface Sample extends Usage {
  boardS: number;
  spanBoardS: number;
}

/** MB per board hour of RSS and heapUsed over the second half of the samples. */
export function memoryTrend(samples: readonly Sample[]): { rss: number; heap: number; from: number; n: number } {
  const half = samples.slice(Math.floor(samples.length / 2));
  const h = half.map((s) => s.boardS / 3600);
  return { rss: slope(h, half.map((s) => s.rssMb)), heap: slope(h, half.map((s) => s.heapUsedMb)), from: half[0]?.boardS ?? 0, n: half.length };
}

const hm = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;

export function timelineTable(samples: readonly Sample[], before?: Sample): string {
  const head = ["board time", "RSS MB", "heap MB", "ELD p50/p99/max ms", "CPU ms per board-s", "jobs", "rev latency p99/max ms", "revs dropped"];
  const rows = samples.map((s, i) => [
    hm(s.boardS),
    s.rssMb.toFixed(1),
    s.heapUsedMb.toFixed(1),
    `${s.eldP50Ms.toFixed(1)} / ${s.eldP99Ms.toFixed(1)} / ${s.eldMaxMs.toFixed(1)}`,
    (((s.cpuUserS + s.cpuSystemS) * 1000) / s.spanBoardS).toFixed(2),
    String(s.records),
    Number.isNaN(s.latencyP99Ms) ? "–" : `${s.latencyP99Ms.toFixed(1)} / ${s.latencyMaxMs.toFixed(1)}`,
    `${s.featureDropped - ((i > 0 ? samples[i - 1] : before)?.featureDropped ?? 0)} of ${s.featureRevs - ((i > 0 ? samples[i - 1] : before)?.featureRevs ?? 0)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padStart(widths[i])).join("  ")}`;
  return [line(head), ...rows.map(line)].join("\n");
}
