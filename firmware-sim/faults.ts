// Faults on demand. Times are seconds of simulation time (0 = power-up). A board is "vib" or "run".

export type BoardName = "vib" | "run";

export interface TimedFault {
  board: BoardName;
  atS: number;
  /** Length, s (ignored for resets). */
  forS?: number;
}

export interface FaultPlan {
  /** Probability that an encoded frame gets one byte overwritten (after its CRC was computed). */
  corruptFrameP?: number;
  /** Probability that a whole chunk (one block of one board's bytes) is lost on the line. */
  loseChunkP?: number;
  /** Which boards corruption and loss apply to; default both. */
  lineBoards?: BoardName[];
  /** Board reboots: silent ~0.3 s, then HELLO, seq from 0, STATUS with the clock-reset flag. */
  resets?: TimedFault[];
  /** Board stalls (USB not drained): nothing sent, samples dropped, STATUS overflow flag after. */
  silences?: TimedFault[];
  /** Sensor over range: VIB a > 16 g shock, RUN probe lifted past its range. */
  saturations?: TimedFault[];
  /** Sensor fault: the sensor stops answering, the board sends 0s and sets STATUS bit 1. */
  sensorFaults?: TimedFault[];
  /** The board's port disappears (pty link only: socat torn down, then recreated). */
  vanishes?: TimedFault[];
}

export const BOOT_US = 300_000;

export function inWindow(list: TimedFault[] | undefined, board: BoardName, simUs: number): boolean {
  if (!list) return false;
  for (const f of list) {
    if (f.board === board && simUs >= f.atS * 1e6 && simUs < (f.atS + (f.forS ?? 0)) * 1e6) return true;
  }
  return false;
}

const TIMED = ["resets", "silences", "saturations", "sensorFaults", "vanishes"] as const;

/** Throws a TypeError naming the first bad field of a fault plan (e.g. one read from JSON). */
export function checkFaultPlan(plan: FaultPlan): void {
  for (const key of ["corruptFrameP", "loseChunkP"] as const) {
    const p = plan[key];
    if (p !== undefined && !(typeof p === "number" && p >= 0 && p <= 1)) throw new TypeError(`faults.${key} must be a probability 0..1, got ${JSON.stringify(p)}`);
  }
  if (plan.lineBoards !== undefined && !(Array.isArray(plan.lineBoards) && plan.lineBoards.every((b) => b === "vib" || b === "run"))) {
    throw new TypeError(`faults.lineBoards must list "vib" / "run", got ${JSON.stringify(plan.lineBoards)}`);
  }
  for (const key of TIMED) {
    const list: unknown = plan[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TypeError(`faults.${key} must be a list, got ${JSON.stringify(list)}`);
    (list as TimedFault[]).forEach((f, i) => {
      if (f.board !== "vib" && f.board !== "run") throw new TypeError(`faults.${key}[${i}].board must be "vib" or "run", got ${JSON.stringify(f.board)}`);
      if (!(typeof f.atS === "number" && f.atS >= 0)) throw new TypeError(`faults.${key}[${i}].atS must be seconds ≥ 0, got ${JSON.stringify(f.atS)}`);
      if (f.forS !== undefined && !(typeof f.forS === "number" && f.forS >= 0)) throw new TypeError(`faults.${key}[${i}].forS must be seconds ≥ 0, got ${JSON.stringify(f.forS)}`);
    });
  }
}
