// The job tracker: the datasheet's rules for jobs, phases and revolutions, from the RUN board's
// LATHE and INDEX frames (board time) and the boards' link events. Pure logic, no host.
//
// - A job starts with the first LATHE of state 1 (measure) after state 0 or when the state is not
//   known (power-up, a rebooted RUN board, the controller just started); it ends with the next 0.
//   Every start counts (ordinal 1, 2, …).
// - Allowed moves: measure → cut → check → idle, and check → cut again (a re-cut: one more pass).
//   Anything else (measure → idle, cut → idle, measure → check, back to measure) makes the job end
//   `interrupted`, with the first such reason, at the next state 0. A RUN board that reboots, a board
//   that goes away (live) or captures that end stop the job at once, `interrupted`.
// - A revolution is INDEX mark to the next mark: [previous mark, mark), paired only when
//   mark − previous ≈ period_us and no RUN seq gap or reset lies between (otherwise it is dropped).
//   It belongs to the phase in force at its starting mark; if the state changed inside it, to none.
//   It is compensated when it starts after the LATHE frame that first reported compensation done.
//
// Output goes through `sink(kind)` with the values in `out` (slots Out.*), so the per-revolution
// path passes no doubles as arguments and allocates nothing (V8 boxes non-inlined double args).
import { LatheState } from "../protocol/index.ts";
import { NO_PHASE, StreamKind } from "./channels.ts";

export const Out = { ORDINAL: 0, T: 1, PERIOD: 2, PHASE: 3, COMP: 4, PASS: 5, TOOL: 6, RAW: 7 } as const;

/** Why a job ended interrupted (stable strings: they are the record's `reason`). */
export const Reason = {
  ABORT_MEASURE: "aborted in measure (measure → idle)",
  ABORT_CUT: "aborted in cut (cut → idle, no check)",
  SKIP_CUT: "cut skipped (measure → check)",
  BACK_TO_MEASURE: "went back to measure during the job",
  RUN_RESET: "RUN board rebooted during the job",
  RUN_LOST: "RUN board went away during the job",
  VIB_LOST: "VIB board went away during the job",
  END_OF_CAPTURE: "the captures ended during the job",
  STOPPED: "the controller stopped during the job",
} as const;

const HISTORY = 32;
/** Two marks pair when mark − previous differs from period_us by at most this, µs. */
const PAIR_TOLERANCE_US = 100;
const UNKNOWN = -1;

export type TrackerSink = (kind: number) => void;

export class JobTracker {
  /** Values of the last sink call (slots Out.*). */
  readonly out = new Float64Array(8);
  /** Jobs started so far (the last ordinal). */
  ordinal = 0;
  /** A job is running. */
  inJob = false;
  /** Lathe state as last reported (UNKNOWN = −1 until a LATHE arrives, and after a RUN reboot). */
  state = UNKNOWN;
  /** Cut passes of the running job. */
  passes = 0;
  /** First interrupt reason of the running job (null: none so far). */
  reason: string | null = null;
  /** Revolutions dropped because their marks did not pair (lost INDEX, gap, reset). */
  unpaired = 0;

  /** [job start µs, compensation time µs (Infinity: not yet), previous mark µs (NaN: none)] */
  private readonly times = new Float64Array([0, Infinity, Number.NaN]);
  /** LATHE history (ring): time µs, state, tool mm. */
  private readonly hTime = new Float64Array(HISTORY);
  private readonly hState = new Int8Array(HISTORY);
  private readonly hTool = new Float64Array(HISTORY);
  private hCount = 0;

  constructor(private readonly sink: TrackerSink) {}

  /** A LATHE frame at board time tUs (rawUs: its t_us as sent). */
  onLathe(tUs: number, rawUs: number, state: number, toolMmX100: number, flags: number): void {
    const slot = this.hCount % HISTORY;
    this.hTime[slot] = tUs;
    this.hState[slot] = state;
    this.hTool[slot] = toolMmX100 / 100;
    this.hCount++;
    const prev = this.state;
    this.state = state;
    if (this.inJob && (flags & 1) === 1 && this.times[1] === Infinity) this.times[1] = tUs;
    if (state === prev) return;
    if (!this.inJob) {
      if (state === LatheState.MEASURE && (prev === LatheState.IDLE || prev === UNKNOWN)) this.startJob(tUs, rawUs, flags);
      return;
    }
    const o = this.out;
    if (state === LatheState.IDLE) {
      if (prev === LatheState.MEASURE) this.note(Reason.ABORT_MEASURE);
      else if (prev === LatheState.CUT) this.note(Reason.ABORT_CUT);
      this.endJob(tUs, this.reason);
      return;
    }
    if (state === LatheState.CUT) {
      if (prev === LatheState.MEASURE || prev === LatheState.CHECK) this.passes++;
    } else if (state === LatheState.CHECK) {
      if (prev === LatheState.CUT) {
        o[Out.ORDINAL] = this.ordinal;
        o[Out.T] = tUs;
        o[Out.PASS] = this.passes;
        this.sink(StreamKind.CUT_END);
      } else if (prev === LatheState.MEASURE) this.note(Reason.SKIP_CUT);
    } else if (state === LatheState.MEASURE) this.note(Reason.BACK_TO_MEASURE);
    o[Out.ORDINAL] = this.ordinal;
    o[Out.T] = tUs;
    o[Out.PHASE] = state;
    o[Out.PASS] = this.passes;
    this.sink(PHASE_EVENT);
  }

  /** An INDEX frame: the mark at markUs, periodUs since the previous mark (0: first after boot). */
  onIndex(markUs: number, periodUs: number): void {
    const prevMark = this.times[2];
    this.times[2] = markUs;
    if (!this.inJob) return;
    if (Number.isNaN(prevMark) || !(periodUs > 0) || Math.abs(markUs - prevMark - periodUs) > PAIR_TOLERANCE_US) {
      if (prevMark >= this.times[0]) this.unpaired++;
      return;
    }
    if (prevMark < this.times[0]) return; // started before the job
    const o = this.out;
    o[Out.ORDINAL] = this.ordinal;
    o[Out.T] = prevMark;
    o[Out.PERIOD] = markUs - prevMark;
    o[Out.PHASE] = this.phaseOf(prevMark, markUs);
    o[Out.COMP] = prevMark > this.times[1] ? 1 : 0;
    o[Out.PASS] = this.passes;
    o[Out.TOOL] = this.toolAt(prevMark);
    this.sink(StreamKind.REV);
  }

  /** A seq gap or reboot of the RUN board: the next mark does not pair with the last one. */
  onRunDiscontinuity(): void {
    this.times[2] = Number.NaN;
  }

  /** The RUN board rebooted: its state is unknown until its next LATHE; a running job stops. */
  onRunReset(tUs: number): void {
    this.onRunDiscontinuity();
    if (this.inJob) this.endJob(tUs, Reason.RUN_RESET);
    this.state = UNKNOWN;
  }

  /** A board went away, the captures ended or the controller stops: a running job stops. */
  onGone(tUs: number, reason: string): void {
    if (this.inJob) this.endJob(tUs, reason);
    if (reason === Reason.RUN_LOST) {
      this.onRunDiscontinuity();
      this.state = UNKNOWN;
    }
  }

  private note(reason: string): void {
    if (this.reason === null) this.reason = reason;
  }

  private startJob(tUs: number, rawUs: number, flags: number): void {
    this.ordinal++;
    this.inJob = true;
    this.passes = 0;
    this.reason = null;
    this.times[0] = tUs;
    this.times[1] = (flags & 1) === 1 ? tUs : Infinity;
    const o = this.out;
    o[Out.ORDINAL] = this.ordinal;
    o[Out.T] = tUs;
    o[Out.RAW] = rawUs;
    o[Out.PHASE] = LatheState.MEASURE;
    this.sink(StreamKind.START);
  }

  private endJob(tUs: number, reason: string | null): void {
    this.reason = reason;
    this.inJob = false;
    const o = this.out;
    o[Out.ORDINAL] = this.ordinal;
    o[Out.T] = tUs;
    o[Out.PASS] = this.passes;
    this.sink(StreamKind.END);
  }

  /** State in force at s; NO_PHASE when a LATHE in (s, e) reports another state, or s is idle. */
  private phaseOf(s: number, e: number): number {
    let at = UNKNOWN;
    let atTime = -Infinity;
    const n = this.hCount < HISTORY ? this.hCount : HISTORY;
    for (let k = 0; k < n; k++) {
      const i = (this.hCount - 1 - k) % HISTORY;
      const t = this.hTime[i];
      if (t <= s && t > atTime) {
        atTime = t;
        at = this.hState[i];
      }
    }
    if (at < LatheState.MEASURE) return NO_PHASE;
    for (let k = 0; k < n; k++) {
      const i = (this.hCount - 1 - k) % HISTORY;
      const t = this.hTime[i];
      if (t > s && t < e && this.hState[i] !== at) return NO_PHASE;
    }
    return at;
  }

  /** Tool position (mm) last reported at or before s (0 when none). */
  private toolAt(s: number): number {
    let tool = 0;
    let best = -Infinity;
    const n = this.hCount < HISTORY ? this.hCount : HISTORY;
    for (let k = 0; k < n; k++) {
      const i = (this.hCount - 1 - k) % HISTORY;
      const t = this.hTime[i];
      if (t <= s && t > best) {
        best = t;
        tool = this.hTool[i];
      }
    }
    return tool;
  }
}

/** sink kind for a phase change inside a job (not a jobs.stream row: it becomes a job event). */
export const PHASE_EVENT = 100;
