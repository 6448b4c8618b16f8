// Per-revolution measurements from the two boards' samples, in board time: keeps its own rings of
// VIB and RUN samples (filled from the source's channels), queues the job tracker's rows in order,
// and completes a revolution once both boards' next sample would lie at or past its end (or, when one
// board stays behind, once the other is 2 s past it). A completed revolution gets:
//   ok        1 when both boards' samples cover it without a discontinuity (same segment, no time
//             gap over 2.5 sample periods, first/last sample within 2 periods of the marks, none
//             overwritten), else 0: a revolution across a reset, seq gap or stall is dropped
//   lroUm     peak-to-peak of the probe's fitted shape (RunoutFit, orders 1..6), µm; in measure and
//             check, without a non-synchronous line found over the job's last ~3 s of revolutions
//             (NonSyncLine: a loose adapter's rattle; looked for only on evidence of one)
//   rpm       60e6 / period
//   wanderUm  change of the 1st-order runout phasor since the previous revolution (RunoutWander)
//   vib_*     VibFeatures of the accelerometer (vib-layout.ts)
//   ph_*      phasors of orders 1..4 of the probe fit and of each axis' angle grid (phasor-layout.ts),
//             the axes' refitted without short synchronous transients (robust-orders.ts: hard spots)
// Rows that are not revolutions pass through in order behind the revolutions before them.
//
// Allocation-free after construction: input arrives as channel columns + slot numbers, output is
// written into the caller's row array (no doubles are passed as arguments).
import { RunoutFit, RunoutResult } from "../dsp/runout.ts";
import { LineResult, NonSyncLine } from "../dsp/nonsync-line.ts";
import { RunoutWander, WanderResult } from "../dsp/runout-wander.ts";
import { VibFeatures } from "../dsp/vib-features.ts";
import { AXES } from "../dsp/vib-layout.ts";
import { copyOrders, PHASOR_NAMES, PHASOR_ORDERS, PhasorBlock } from "../dsp/phasor-layout.ts";
import { RobustOrders } from "../dsp/robust-orders.ts";
import { REV_META_FIELDS, StreamKind } from "./channels.ts";
import { LatheState } from "../protocol/index.ts";

const STREAM_WIDTH = 8;
/** Slots of the output row (REV_META_FIELDS, then the VIB features). */
export const Row = Object.fromEntries(REV_META_FIELDS.map((f, i) => [f, i])) as Record<(typeof REV_META_FIELDS)[number], number>;
const META = REV_META_FIELDS.length;
/** A board this far (µs) past a revolution's end completes it without waiting for the other one. */
const GIVE_UP_US = 2_000_000;
/** Sample times are exact (t_us + k × 1e6 / rate); this only absorbs float rounding, µs. */
const SLACK_US = 0.5;

class Ring {
  readonly t: Float64Array;
  readonly ch: Int16Array[];
  readonly sat: Uint8Array;
  readonly seg: Float64Array;
  readonly w: Float64Array;
  /** [written, newest time µs, rate Hz, lsb, read cursor (sample number)] */
  readonly s = new Float64Array([0, -Infinity, 0, 0, 0]);
  constructor(readonly capacity: number, channels: number, rateHz: number, lsb: number) {
    this.t = new Float64Array(capacity);
    this.ch = Array.from({ length: channels }, () => new Int16Array(capacity));
    this.sat = new Uint8Array(capacity);
    this.seg = new Float64Array(capacity);
    this.w = new Float64Array(capacity);
    this.s[2] = rateHz;
    this.s[3] = lsb;
  }
}
const WRITTEN = 0;
const NEWEST = 1;
const RATE = 2;
const LSB = 3;
const CURSOR = 4;

export interface AssemblerOptions {
  /** Samples kept per board (default VIB 32768, RUN 16384). */
  vibCapacity?: number;
  runCapacity?: number;
  /** Rows waiting for samples (default 1024). */
  queue?: number;
}

export class RevolutionAssembler {
  readonly vibFeatures = new VibFeatures();
  readonly runout = new RunoutFit({ orders: 6 });
  /** A non-synchronous line in the probe (a loose adapter's rattle), left out of the runout fit. */
  readonly probeLine = new NonSyncLine({ orders: 6 });
  readonly wander = new RunoutWander(6);
  /** The axes' phasors for features.revs: low orders refitted without short synchronous transients. */
  readonly robust = new RobustOrders({ bins: this.vibFeatures.angleGrid.bins, orders: PHASOR_ORDERS });
  /** Output row: REV_META_FIELDS, vibFeatures.features, then PHASOR_NAMES. */
  readonly row: Float64Array;
  /** Rows lost because the queue was full; revolutions completed; of those not ok. */
  readonly stats = { queueFull: 0, revolutions: 0, dropped: 0 };
  private readonly vib: Ring;
  private readonly run: Ring;
  private readonly q: Float64Array;
  private readonly qCap: number;
  /** [head (next to complete), tail (next free), ended (1: no more samples will come)] */
  private readonly qs = new Float64Array(3);
  /** Range found by locate(): [from, to, ok]. */
  private readonly range = new Float64Array(3);
  /** The previous revolution's [job ordinal, phase]. */
  private readonly jobState = new Float64Array([Number.NaN, Number.NaN]);

  constructor(options: AssemblerOptions = {}) {
    this.vib = new Ring(options.vibCapacity ?? 32768, 3, 3200, 0.0039);
    this.run = new Ring(options.runCapacity ?? 16384, 1, 1000, 0.1);
    this.qCap = options.queue ?? 1024;
    this.q = new Float64Array(this.qCap * STREAM_WIDTH);
    this.row = new Float64Array(META + this.vibFeatures.features.length + PHASOR_NAMES.length);
  }

  setVibBoard(rateHz: number, lsb: number): void {
    this.vib.s[RATE] = rateHz;
    this.vib.s[LSB] = lsb;
    this.vibFeatures.setBoard(rateHz, lsb);
  }

  setRunBoard(rateHz: number, lsb: number): void {
    this.run.s[RATE] = rateHz;
    this.run.s[LSB] = lsb;
  }

  /** Appends a VIB sample from channel columns (t, x, y, z, sat, seg, w) at slot. */
  addVib(t: Float64Array, x: Float64Array, y: Float64Array, z: Float64Array, sat: Float64Array, seg: Float64Array, w: Float64Array, slot: number): void {
    const r = this.vib;
    const i = r.s[WRITTEN] % r.capacity;
    r.t[i] = t[slot];
    r.ch[0][i] = x[slot];
    r.ch[1][i] = y[slot];
    r.ch[2][i] = z[slot];
    r.sat[i] = sat[slot];
    r.seg[i] = seg[slot];
    r.w[i] = w[slot];
    r.s[WRITTEN]++;
    if (t[slot] > r.s[NEWEST]) r.s[NEWEST] = t[slot];
  }

  /** Appends a RUN sample from channel columns (t, v, sat, seg, w) at slot. */
  addRun(t: Float64Array, v: Float64Array, sat: Float64Array, seg: Float64Array, w: Float64Array, slot: number): void {
    const r = this.run;
    const i = r.s[WRITTEN] % r.capacity;
    r.t[i] = t[slot];
    r.ch[0][i] = v[slot];
    r.sat[i] = sat[slot];
    r.seg[i] = seg[slot];
    r.w[i] = w[slot];
    r.s[WRITTEN]++;
    if (t[slot] > r.s[NEWEST]) r.s[NEWEST] = t[slot];
  }

  /** Queues a jobs.stream row (its columns at slot, in field order). False when the queue is full. */
  enqueue(cols: readonly Float64Array[], slot: number): boolean {
    const head = this.qs[0];
    const tail = this.qs[1];
    if (tail - head >= this.qCap) {
      this.stats.queueFull++;
      return false;
    }
    const base = (tail % this.qCap) * STREAM_WIDTH;
    for (let f = 0; f < STREAM_WIDTH; f++) this.q[base + f] = cols[f][slot];
    this.qs[1] = tail + 1;
    return true;
  }

  /** No more samples will come (end of captures / stop): waiting revolutions complete as they are. */
  end(): void {
    this.qs[2] = 1;
  }

  /**
   * Completes the next queued row if it can: returns true with `row` filled (a revolution, or a
   * passed-through row), false when the queue is empty or the next revolution still waits.
   * `nowMs` is performance.now() for the latency slot (NaN to skip).
   */
  next(nowMs: number): boolean {
    const head = this.qs[0];
    if (head >= this.qs[1]) return false;
    const base = (head % this.qCap) * STREAM_WIDTH;
    const q = this.q;
    const row = this.row;
    const kind = q[base];
    if (kind === StreamKind.REV) {
      const end = q[base + 2] + q[base + 3];
      // A board has all of the revolution's samples once its next sample would be at or past the end.
      const vn = this.vib.s[NEWEST] + 1e6 / this.vib.s[RATE] - SLACK_US;
      const rn = this.run.s[NEWEST] + 1e6 / this.run.s[RATE] - SLACK_US;
      const ready = this.qs[2] === 1 || (vn >= end && rn >= end) || vn >= end + GIVE_UP_US || rn >= end + GIVE_UP_US;
      if (!ready) return false;
    }
    for (let f = 0; f < STREAM_WIDTH; f++) row[f] = q[base + f];
    this.qs[0] = head + 1;
    for (let f = STREAM_WIDTH; f < row.length; f++) row[f] = Number.NaN;
    if (kind === StreamKind.REV) this.measure(nowMs);
    return true;
  }

  private measure(nowMs: number): void {
    const row = this.row;
    const start = row[Row.t];
    const period = row[Row.period];
    const end = start + period;
    this.stats.revolutions++;
    // RUN: runout fit.
    const run = this.run;
    const runOk = this.locate(run, start, end);
    const rFrom = this.range[0];
    const rTo = this.range[1];
    let lastW = rTo > rFrom ? run.w[(rTo - 1) % run.capacity] : Number.NaN;
    this.runout.begin(start, period);
    if (rTo > rFrom) this.runout.add(run.t, run.ch[0], run.sat, 1, rFrom, rTo, run.s[LSB]);
    this.runout.finish();
    // LRO is measured outside the cut: the probe's line is estimated for measure and check
    // revolutions only (the line's window model, a rigid face, does not hold in the cut, where the
    // face changes under the tool), but the job's cut revolutions are kept for its window. A new job
    // is a new mounting.
    const phase = row[Row.phase];
    const jobState = this.jobState;
    if (row[Row.ordinal] !== jobState[0]) this.probeLine.reset();
    if (phase !== LatheState.IDLE) {
      if (phase !== jobState[1]) this.probeLine.markSegment();
      this.probeLine.begin(start, period);
      if (rTo > rFrom) this.probeLine.add(run.t, run.ch[0], run.sat, 1, rFrom, rTo, run.s[LSB]);
      this.probeLine.finish(this.runout, phase === LatheState.MEASURE || phase === LatheState.CHECK);
      if (this.probeLine.line[LineResult.ACTIVE] === 1) {
        // The shape again, without the line.
        this.runout.begin(start, period);
        this.runout.setLine(this.probeLine.line);
        if (rTo > rFrom) this.runout.add(run.t, run.ch[0], run.sat, 1, rFrom, rTo, run.s[LSB]);
        this.runout.finish();
      }
    }
    jobState[0] = row[Row.ordinal];
    jobState[1] = phase;
    this.wander.update(this.runout, start, period);
    // VIB: features.
    const vib = this.vib;
    const vibOk = this.locate(vib, start, end);
    const vFrom = this.range[0];
    const vTo = this.range[1];
    if (vTo > vFrom) {
      const w = vib.w[(vTo - 1) % vib.capacity];
      if (!(w <= lastW)) lastW = w;
    }
    const vf = this.vibFeatures;
    if (!vibOk) vf.breakContinuity();
    vf.begin(start, period);
    if (vTo > vFrom) vf.add(vib.t, vib.ch, vib.sat, vFrom, vTo);
    vf.finish();
    const ok = runOk && vibOk && this.runout.ok ? 1 : 0;
    row[Row.ok] = ok;
    if (ok === 0) this.stats.dropped++;
    row[Row.lroUm] = this.runout.result[RunoutResult.PEAK_TO_PEAK];
    row[Row.rpm] = 60e6 / period;
    row[Row.wanderUm] = this.wander.result[WanderResult.ORDER1];
    row[Row.latencyMs] = nowMs - lastW;
    row.set(vf.features, META);
    const ph = META + vf.features.length;
    copyOrders(this.runout.coefficients, row, ph + PhasorBlock.RUN);
    for (let a = 0; a < AXES.length; a++) {
      this.robust.fit(vf.grids[a], vf.phasors[a]);
      copyOrders(this.robust.out, row, ph + PhasorBlock.AXIS * (1 + a));
    }
  }

  /**
   * Finds the samples of [start, end) in a ring, from its cursor on (revolutions come in time
   * order): range = [from, to). Returns whether they cover the revolution continuously.
   */
  private locate(r: Ring, start: number, end: number): boolean {
    const written = r.s[WRITTEN];
    const cap = r.capacity;
    const oldest = written > cap ? written - cap : 0;
    let i = r.s[CURSOR];
    let lost = false;
    if (i < oldest) {
      i = oldest;
      lost = true;
    }
    // Skip what lies before the revolution (but never past samples of a later time).
    while (i < written && !(r.t[i % cap] >= start)) i++;
    const from = i;
    while (i < written && r.t[i % cap] < end) i++;
    const to = i;
    r.s[CURSOR] = from;
    this.range[0] = from;
    this.range[1] = to;
    if (lost || to - from < 2) return false;
    const dt = 1e6 / r.s[RATE];
    if (r.t[from % cap] - start > 2 * dt || end - r.t[(to - 1) % cap] > 2 * dt) return false;
    const seg = r.seg[from % cap];
    let prev = r.t[from % cap];
    for (let k = from + 1; k < to; k++) {
      const s = k % cap;
      if (r.seg[s] !== seg) return false;
      const t = r.t[s];
      if (t - prev > 2.5 * dt) return false;
      prev = t;
    }
    return true;
  }
}
