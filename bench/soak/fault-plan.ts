// The soak's fault plan: line damage all along (corrupted bytes, lost chunks) and, spread over the
// run at seeded random times, board reboots and unplugs of both boards; the board clock starts 5
// minutes before its 2^32 µs wrap, so even a short run crosses one (and 8 h cross 7: the clock wraps
// every 71.6 min of board time).
import type { FaultPlan, TimedFault } from "../../firmware-sim/index.ts";
import { Rng } from "../../src/core/rng.ts";

export interface SoakFaultOptions {
  /** Board hours of the run. */
  hours: number;
  seed: number;
  /** Probability an encoded frame gets a byte overwritten. */
  corruptP: number;
  /** Probability a 10 ms chunk of one board is lost on the line. */
  loseP: number;
  /** Reboots and unplugs of each board per board hour (at least one of each per run). */
  perHour: number;
}

/** Board clock at power-up: 5 minutes before the 2^32 µs wrap. */
export const CLOCK_START_US = 4294967296 - 300e6;
/** How long a board stays unplugged, s of board time (the pty is gone for this / speed wall s). */
export const UNPLUG_S: readonly [number, number] = [2, 6];

export function soakFaultPlan(o: SoakFaultOptions): FaultPlan {
  const rng = new Rng(o.seed ^ 0x50a4);
  const rnd = () => rng.next();
  const span = o.hours * 3600;
  const n = Math.max(1, Math.round(o.hours * o.perHour));
  const resets: TimedFault[] = [];
  const vanishes: TimedFault[] = [];
  // four kinds (vib/run × reset/unplug), each n times, at distinct places in n slots of the run
  const kinds = [
    { list: resets, board: "vib" as const },
    { list: resets, board: "run" as const },
    { list: vanishes, board: "vib" as const },
    { list: vanishes, board: "run" as const },
  ];
  const slot = span / (n * kinds.length);
  for (let i = 0; i < n; i++) {
    kinds.forEach((k, j) => {
      const atS = Math.round((i * kinds.length + j + 0.15 + 0.7 * rnd()) * slot * 10) / 10;
      const forS = k.list === vanishes ? Math.round((UNPLUG_S[0] + (UNPLUG_S[1] - UNPLUG_S[0]) * rnd()) * 10) / 10 : undefined;
      k.list.push(forS === undefined ? { board: k.board, atS } : { board: k.board, atS, forS });
    });
  }
  return { corruptFrameP: o.corruptP, loseChunkP: o.loseP, resets, vanishes };
}
