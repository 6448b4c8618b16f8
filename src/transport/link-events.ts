// Structured events a BoardLink reports: {type, time, source, message, data}. `time` is wall ms from
// the link's Timers; `source` the link's label. Listeners are called synchronously.

export type LinkEventType =
  /** The port opened (data: {baudRate}). */
  | "opened"
  /** A HELLO identified the board (data: {kind, serialNo, rateHz, viaPing}). */
  | "identified"
  /** No byte for `silenceMs` of wall time (data: {silentMs}). */
  | "silent"
  /** The port closed or failed under us (data: {reason}). */
  | "disconnected"
  /** Opening or identifying failed (data: {code}). */
  | "open-failed"
  /** A retry is scheduled (data: {attempt, delayMs}). */
  | "reconnecting"
  /** Back and re-identified after a loss (data: {downMs, attempts}). */
  | "reconnected"
  /** The board rebooted: HELLO with seq restarted at 0 (data: {kind, serialNo}). */
  | "board-reset"
  /** STATUS reported the board clock was reset (flag bit 3). */
  | "clock-reset"
  /** Closed by its owner. */
  | "closed";

export interface LinkEvent {
  type: LinkEventType;
  time: number;
  source: string;
  message: string;
  data?: Record<string, number | string | boolean>;
}

export type LinkListener = (event: LinkEvent) => void;
