// Per-job inputs of the learners: a fixed-length, named vector summarising a job's measure and cut
// revolutions, built from features.revs rows (REV_META_FIELDS, then the VIB features, as
// src/controller/channels.ts lays them out) up to a CUT_END row, i.e. before the check pass.
//
// Values (ok revolutions only; "med" = median over the phase's revolutions):
//   m_lro_med, m_lro_max  LRO (µm) over the compensated measure revolutions (the datasheet's LRO before the cut)
//   m_lro_log             ln(1 + m_lro_med): with the logged vibration orders, the cutting-force gain
//                         (axial order ∝ runout) and thus the thickness variation become linear in the inputs
//   m_wander_med/_max     runout wander (µm, 1st-order phasor change rev to rev) over the measure
//   rpm                   median rpm of the measure revolutions
//   m_<axis>_<f>          ln of the median of VIB feature f over the measure (rms, order1, order2, subrev, band_low)
//   c_lro_rule            the rule's residual-runout estimate: median LRO of the last 5 cut revolutions of the
//                         last pass that start with the tool ≥ 11 mm (the probe reads the cut face there)
//   c_lro_in              median LRO of cut revolutions with the tool < 10 mm (the incoming face)
//   c_wander_med          runout wander over the cut
//   c_<axis>_<f>          ln of the median over the cut of rms, crest, kurtosis, order1..4, band orders/mid/chatter, subrev
//   c_<axis>_chatter_max, c_<axis>_mid_max   ln of the largest band energy of any cut revolution
// Vibration quantities are logged (ln(v + 1e-9)): they span decades between a smooth cut and chatter.
// A value is NaN when the phase had no usable revolution (the normaliser maps NaN to its mean).
//
// Allocation-free after construction: add() copies into preallocated per-phase rings (the last
// `capacity` revolutions of each phase), finish() writes `values`.
import { LatheState } from "../protocol/frames.ts";
import { REV_META_FIELDS, StreamKind } from "../controller/channels.ts";
import { AXES, AXIS_BASE, AxisSlot, FEATURE_NAMES, axisBlockSize } from "../dsp/vib-layout.ts";
import { DEFAULT_BANDS } from "../dsp/band-spectrum.ts";

const META = REV_META_FIELDS.length;
const R = Object.fromEntries(REV_META_FIELDS.map((f, i) => [f, i])) as Record<(typeof REV_META_FIELDS)[number], number>;
const BLOCK = axisBlockSize(8, DEFAULT_BANDS.length);
const band = (name: string): number => AxisSlot.ORDERS + 8 + DEFAULT_BANDS.findIndex((b) => b.name === name);
const SUBREV = AxisSlot.ORDERS + 8 + DEFAULT_BANDS.length;
const EPS = 1e-9;

/** Tool position (mm from the outer edge) beyond which the probe's track has been cut (10 mm + 1). */
export const CUT_FACE_TOOL_MM = 11;
/** Revolutions the rule's residual estimate takes the median over. */
export const RULE_LAST_REVS = 5;

interface Tracked {
  name: string;
  /** Column of the features.revs row. */
  col: number;
}

function vibTracked(prefix: string, slots: Array<[string, number]>): Tracked[] {
  const out: Tracked[] = [];
  AXES.forEach((a, ai) => {
    for (const [name, slot] of slots) out.push({ name: `${prefix}_${a}_${name}`, col: META + AXIS_BASE + ai * BLOCK + slot });
  });
  return out;
}

const MEASURE_VIB = vibTracked("m", [["rms", AxisSlot.RMS], ["order1", AxisSlot.ORDERS], ["order2", AxisSlot.ORDERS + 1], ["subrev", SUBREV], ["band_low", band("low")]]);
const CUT_VIB = vibTracked("c", [
  ["rms", AxisSlot.RMS], ["crest", AxisSlot.CREST], ["kurtosis", AxisSlot.KURTOSIS],
  ["order1", AxisSlot.ORDERS], ["order2", AxisSlot.ORDERS + 1], ["order3", AxisSlot.ORDERS + 2], ["order4", AxisSlot.ORDERS + 3],
  ["band_orders", band("orders")], ["band_mid", band("mid")], ["band_chatter", band("chatter")], ["subrev", SUBREV],
]);
const CUT_MAX = vibTracked("c", [["chatter_max", band("chatter")], ["mid_max", band("mid")]]);

/** The input vector's names, in order. */
export const INPUT_NAMES: readonly string[] = Object.freeze([
  "m_lro_med", "m_lro_max", "m_lro_log", "m_wander_med", "m_wander_max", "rpm",
  ...MEASURE_VIB.map((t) => t.name),
  "c_lro_rule", "c_lro_in", "c_wander_med",
  ...CUT_VIB.map((t) => t.name),
  ...CUT_MAX.map((t) => t.name),
]);
export const INPUT_INDEX: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(INPUT_NAMES.map((n, i) => [n, i])));
/** Row width the accumulator reads (REV_META_FIELDS + FEATURE_NAMES). */
export const ROW_WIDTH = META + FEATURE_NAMES.length;

/** Per-phase ring of selected columns, with medians and maxima at the end. */
class PhaseRing {
  readonly data: Float64Array;
  n = 0;
  constructor(readonly cols: readonly number[], readonly capacity: number) {
    this.data = new Float64Array(capacity * cols.length);
  }
  reset(): void {
    this.n = 0;
  }
  add(row: ArrayLike<number>): void {
    const w = this.cols.length;
    const o = (this.n % this.capacity) * w;
    for (let k = 0; k < w; k++) this.data[o + k] = row[this.cols[k]];
    this.n++;
  }
  /** Median (mode 0) or max (mode 1) of column k over the kept rows, NaNs skipped; NaN when none. */
  stat(k: number, mode: 0 | 1, scratch: Float64Array): number {
    const rows = this.n < this.capacity ? this.n : this.capacity;
    const w = this.cols.length;
    let m = 0;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = this.data[r * w + k];
      if (v !== v) continue;
      scratch[m++] = v;
      if (v > max) max = v;
    }
    if (m === 0) return Number.NaN;
    return mode === 1 ? max : median(scratch, m);
  }
}

export class JobInputs {
  /** After finish(): the input vector (INPUT_NAMES). Reused by the next finish(). */
  readonly values = new Float64Array(INPUT_NAMES.length);
  ordinal = -1;
  private readonly measure: PhaseRing;
  private readonly measureLro: PhaseRing;
  private readonly cut: PhaseRing;
  private readonly cutIn: PhaseRing;
  private readonly ruleLast = new Float64Array(RULE_LAST_REVS);
  private ruleN = 0;
  private rulePass = -1;
  private readonly scratch: Float64Array;

  /** capacity: revolutions kept per phase (the last ones); a real-length cut has ~600. */
  constructor(readonly capacity = 1024) {
    this.measure = new PhaseRing([R.wanderUm, R.rpm, ...MEASURE_VIB.map((t) => t.col)], capacity);
    this.measureLro = new PhaseRing([R.lroUm], capacity);
    this.cut = new PhaseRing([R.wanderUm, ...CUT_VIB.map((t) => t.col), ...CUT_MAX.map((t) => t.col)], capacity);
    this.cutIn = new PhaseRing([R.lroUm], capacity);
    this.scratch = new Float64Array(capacity);
  }

  /** A features.revs row: START resets, REV (of this job, ok) is kept; others are ignored. */
  add(row: ArrayLike<number>): void {
    const kind = row[R.kind];
    if (kind === StreamKind.START) {
      this.ordinal = row[R.ordinal];
      this.measure.reset();
      this.measureLro.reset();
      this.cut.reset();
      this.cutIn.reset();
      this.ruleN = 0;
      this.rulePass = -1;
      return;
    }
    if (kind !== StreamKind.REV || row[R.ordinal] !== this.ordinal || row[R.ok] !== 1) return;
    const phase = row[R.phase];
    if (phase === LatheState.MEASURE) {
      this.measure.add(row);
      if (row[R.comp] === 1) this.measureLro.add(row);
    } else if (phase === LatheState.CUT) {
      this.cut.add(row);
      const tool = row[R.tool];
      if (tool < CUT_FACE_TOOL_MM - 1) this.cutIn.add(row);
      if (row[R.pass] !== this.rulePass) {
        this.rulePass = row[R.pass];
        this.ruleN = 0;
      }
      if (tool >= CUT_FACE_TOOL_MM) this.ruleLast[this.ruleN++ % RULE_LAST_REVS] = row[R.lroUm];
    }
  }

  /** Revolutions kept so far (measure, cut). */
  get measureRevolutions(): number {
    return this.measure.n;
  }
  get cutRevolutions(): number {
    return this.cut.n;
  }

  /** Writes `values` from the revolutions seen since START. */
  finish(): Float64Array {
    const v = this.values;
    const s = this.scratch;
    let i = 0;
    v[i++] = this.measureLro.stat(0, 0, s);
    v[i++] = this.measureLro.stat(0, 1, s);
    v[i++] = Math.log(v[0] + 1);
    v[i++] = this.measure.stat(0, 0, s);
    v[i++] = this.measure.stat(0, 1, s);
    v[i++] = this.measure.stat(1, 0, s);
    for (let k = 0; k < MEASURE_VIB.length; k++) v[i++] = Math.log(this.measure.stat(2 + k, 0, s) + EPS);
    const n = this.ruleN < RULE_LAST_REVS ? this.ruleN : RULE_LAST_REVS;
    for (let k = 0; k < n; k++) s[k] = this.ruleLast[k];
    v[i++] = n > 0 ? median(s, n) : Number.NaN;
    v[i++] = this.cutIn.stat(0, 0, s);
    v[i++] = this.cut.stat(0, 0, s);
    for (let k = 0; k < CUT_VIB.length; k++) v[i++] = Math.log(this.cut.stat(1 + k, 0, s) + EPS);
    for (let k = 0; k < CUT_MAX.length; k++) v[i++] = Math.log(this.cut.stat(1 + CUT_VIB.length + k, 1, s) + EPS);
    return v;
  }
}

/** Median of a[0..n) (reorders a). */
export function median(a: Float64Array, n: number): number {
  sortPrefix(a, n);
  const m = n >> 1;
  return n % 2 === 1 ? a[m] : 0.5 * (a[m - 1] + a[m]);
}

/** Sorts a[0..n) ascending in place. Insertion sort: n is at most a phase's revolution count or a
 *  window (tens to hundreds) and callers run once a job; allocates nothing. */
export function sortPrefix(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}
