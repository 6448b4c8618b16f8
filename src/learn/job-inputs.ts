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
//   co_*                  phase-coherent order analysis of the first cut pass (src/dsp/order-coherence.ts):
//                         the probe's phasors over the compensated measure revolutions as reference (not
//                         the cut's: the reported tool position lags, and a revolution with the tool
//                         "< 10 mm" may already show the cut face), each axis' phasors over the first pass
//                         (the tool cuts the incoming face all along it) minus those of the measure:
//     co_gain_log         ln |ĝ|, the axial response per µm of runout (this car's cutting-force gain)
//     co_gain_quad, co_axial_thick, co_radial_runout, co_radial_thick, co_axial_resid   fit figures
//     co_dtv_log          ln(1 + DTV̂): the tangential response ÷ |ĝ|, peak-to-peak (µm-equivalent)
//     co_dtv              DTV̂ itself, capped at DTV_CAP_UM (judder risk is logistic in DTV, not its log)
//     co_tang_log         ln of the tangential response's peak-to-peak (g, uncalibrated)
//     co_gain_rse         relative standard error of ĝ (revolution scatter ÷ runout): small runout, poor gain
//     co_dtv_post_log, co_dtv_post   DTV̂ with ĝ shrunk toward this lathe's fleet: ln ĝ combined with the
//                         running mean of ln ĝ over earlier jobs whose gain was well measured (rse < 5 %),
//                         each weighted by its inverse variance (a precise gain is kept, a poor one pulled
//                         to the fleet's typical car); the fleet statistics are kept across jobs
//     co_t1..co_t4        ln(1 + |T̂_k|), the thickness estimate's orders
//     co_r1_<axis>_re/_im order-1 transfer conj(R₁)·D₁ / |R₁|² per axis (g/µm)
//   c_wavy                ln Σ_{k=2..4} |W_k|: the waviness worn tips leave in the face (tip wear raises Ra
//                         before chatter shows). F_k = the probe's mean phasors over the cut face (last pass,
//                         tool ≥ CUT_FACE_TOOL_MM); the cut leaves a scaled, lagging copy of the incoming
//                         runout R_k (compliance), one complex factor ρ = F_1 / R_1 for all orders, so
//                         W_k = F_k − ρ R_k (R: the coherence reference; without one, W_k = F_k)
//   p_wavy, p_chatter     the previous job's c_wavy and c_z_band_chatter (the last job that finished a cut
//                         pass): the tips wear one cut per job, so the previous job is a second, noisy
//                         look at the same tip state (NaN for the first job; a tip change makes it stale)
//   c_y_high              ln of the median over the cut of the tangential orders 5..8 (synchronous
//                         content beyond a disc's orders: hard-spot impulses that also reach orders 1..4)
// Vibration quantities are logged (ln(v + 1e-9)): they span decades between a smooth cut and chatter.
// A value is NaN when the phase had no usable revolution (the normaliser maps NaN to its mean).
//
// Allocation-free after construction: add() copies into preallocated per-phase rings (the last
// `capacity` revolutions of each phase), finish() writes `values`.
import { LatheState } from "../protocol/frames.ts";
import { REV_META_FIELDS, StreamKind } from "../controller/channels.ts";
import { AXES, AXIS_BASE, AxisSlot, FEATURE_NAMES, axisBlockSize } from "../dsp/vib-layout.ts";
import { DEFAULT_BANDS } from "../dsp/band-spectrum.ts";
import { CoherenceResult, OrderCoherence } from "../dsp/order-coherence.ts";
import { PHASOR_ORDERS, PhasorBlock } from "../dsp/phasor-layout.ts";

const META = REV_META_FIELDS.length;
const R = Object.fromEntries(REV_META_FIELDS.map((f, i) => [f, i])) as Record<(typeof REV_META_FIELDS)[number], number>;
const BLOCK = axisBlockSize(8, DEFAULT_BANDS.length);
const band = (name: string): number => AxisSlot.ORDERS + 8 + DEFAULT_BANDS.findIndex((b) => b.name === name);
const SUBREV = AxisSlot.ORDERS + 8 + DEFAULT_BANDS.length;
/** First phasor column (features.revs: REV_META_FIELDS, FEATURE_NAMES, PHASOR_NAMES). */
const PH = META + FEATURE_NAMES.length;
const PH_STRIDE = 2 * PHASOR_ORDERS;
const Y_HIGH = [4, 5, 6, 7].map((k) => META + AXIS_BASE + 1 * BLOCK + AxisSlot.ORDERS + k);
const EPS = 1e-9;

/** Tool position (mm from the outer edge) beyond which the probe's track has been cut (10 mm + 1). */
export const CUT_FACE_TOOL_MM = 11;
/** Fleet gain statistics: jobs whose gain's relative SE is below FLEET_RSE join them, exponentially
 *  weighted over FLEET_WINDOW jobs; used once FLEET_MIN_JOBS have joined. */
const FLEET_RSE = 0.05;
const FLEET_WINDOW = 50;
const FLEET_MIN_JOBS = 5;
/** Cap of the co_dtv input, µm-equivalent (an estimate from a tiny gain can be wild). */
export const DTV_CAP_UM = 60;
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
  "co_gain_log", "co_gain_quad", "co_axial_thick", "co_radial_runout", "co_radial_thick", "co_axial_resid",
  "co_dtv_log", "co_dtv", "co_tang_log", "co_gain_rse", "co_dtv_post_log", "co_dtv_post", "co_t1", "co_t2", "co_t3", "co_t4",
  "co_r1_x_re", "co_r1_x_im", "co_r1_y_re", "co_r1_y_im", "co_r1_z_re", "co_r1_z_im",
  "c_y_high", "c_wavy", "p_wavy", "p_chatter",
]);

/** What the judder network reads (OnlineModelOptions.use): what judder depends on, runout and
 *  thickness variation, and how far the thickness estimate can be trusted (gain, fit residual,
 *  hard-spot and loose-adapter indicators). The other inputs only add noise for this label. */
export const JUDDER_INPUTS: readonly string[] = Object.freeze([
  "m_lro_med", "m_lro_max", "m_lro_log", "co_gain_log", "co_axial_resid", "c_y_high", "m_wander_med",
  "co_dtv_log", "co_dtv", "co_dtv_post_log", "co_dtv_post", "co_gain_rse",
]);

/** What the Ra network reads: the roughness causes' signatures (chatter, impulses, rust noise,
 *  sub-revolution rattle, the tips' waviness) and speed. */
export const RA_INPUTS: readonly string[] = Object.freeze(
  INPUT_NAMES.filter(
    (n) =>
      /^c_[xyz]_(band_chatter|chatter_max|crest|kurtosis|band_mid|mid_max|subrev|rms)$/.test(n) ||
      ["c_wavy", "p_wavy", "p_chatter", "c_y_high", "m_wander_med", "m_wander_max", "c_wander_med", "rpm", "c_lro_rule"].includes(n),
  ),
);
export const INPUT_INDEX: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(INPUT_NAMES.map((n, i) => [n, i])));
const INPUT_CHATTER = INPUT_INDEX.c_z_band_chatter;
/** Row width the accumulator reads (REV_META_FIELDS + FEATURE_NAMES + PHASOR_NAMES). */
export const ROW_WIDTH = PH + 4 * PH_STRIDE;

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
  private readonly coherence = new OrderCoherence(PHASOR_ORDERS);
  /** Pass number of the job's first cut pass (−1 until its first cut revolution). */
  private firstPass = -1;
  private readonly yHigh: PhaseRing;
  /** Probe phasor sums of orders 1..4 over the cut face of the current pass, [c1, s1, …, s4, n]. */
  private readonly wavy = new Float64Array(9);
  private wavyPass = -1;
  /** [c_wavy, c_z_band_chatter] of this job's last finish() and of the previous job. */
  private readonly last = new Float64Array(2).fill(Number.NaN);
  private readonly prev = new Float64Array(2).fill(Number.NaN);
  /** This job's [ln |ĝ|, relative SE] (NaN until finish) and the fleet's [n, mean, variance] of ln |ĝ|. */
  private readonly jobGain = new Float64Array(2).fill(Number.NaN);
  private readonly fleetGain = new Float64Array(3);

  /** capacity: revolutions kept per phase (the last ones); a real-length cut has ~600. */
  constructor(readonly capacity = 1024) {
    this.measure = new PhaseRing([R.wanderUm, R.rpm, ...MEASURE_VIB.map((t) => t.col)], capacity);
    this.measureLro = new PhaseRing([R.lroUm], capacity);
    this.cut = new PhaseRing([R.wanderUm, ...CUT_VIB.map((t) => t.col), ...CUT_MAX.map((t) => t.col)], capacity);
    this.cutIn = new PhaseRing([R.lroUm], capacity);
    this.yHigh = new PhaseRing([0], capacity);
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
      this.coherence.reset();
      this.firstPass = -1;
      this.yHigh.reset();
      this.wavy.fill(0);
      this.wavyPass = -1;
      if (this.last[0] === this.last[0] || this.last[1] === this.last[1]) this.prev.set(this.last);
      this.last.fill(Number.NaN);
      this.learnFleetGain();
      return;
    }
    if (kind !== StreamKind.REV || row[R.ordinal] !== this.ordinal || row[R.ok] !== 1) return;
    const phase = row[R.phase];
    if (phase === LatheState.MEASURE) {
      this.measure.add(row);
      this.coherence.addBaseline(row, PH + PhasorBlock.AXIS, PH_STRIDE);
      if (row[R.comp] === 1) {
        this.measureLro.add(row);
        this.coherence.addReference(row, PH + PhasorBlock.RUN);
      }
    } else if (phase === LatheState.CUT) {
      this.cut.add(row);
      const tool = row[R.tool];
      if (tool < CUT_FACE_TOOL_MM - 1) this.cutIn.add(row);
      if (this.firstPass < 0) this.firstPass = row[R.pass];
      if (row[R.pass] === this.firstPass) {
        this.coherence.addResponse(row, PH + PhasorBlock.AXIS, PH_STRIDE);
      }
      this.addHigh(row);
      if (row[R.pass] !== this.rulePass) {
        this.rulePass = row[R.pass];
        this.ruleN = 0;
      }
      if (tool >= CUT_FACE_TOOL_MM) {
        this.ruleLast[this.ruleN++ % RULE_LAST_REVS] = row[R.lroUm];
        this.addWavy(row);
      }
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
    const co = this.coherence;
    co.finish();
    const r = co.result;
    const g = r[CoherenceResult.GAIN];
    v[i++] = Math.log((g < 0 ? -g : g) + EPS);
    v[i++] = r[CoherenceResult.GAIN_QUAD];
    v[i++] = r[CoherenceResult.AXIAL_THICK];
    v[i++] = r[CoherenceResult.RADIAL_RUNOUT];
    v[i++] = r[CoherenceResult.RADIAL_THICK];
    v[i++] = r[CoherenceResult.AXIAL_RESIDUAL];
    v[i++] = Math.log(1 + r[CoherenceResult.DTV]);
    const dtv = r[CoherenceResult.DTV];
    v[i++] = dtv > DTV_CAP_UM ? DTV_CAP_UM : dtv;
    v[i++] = Math.log(r[CoherenceResult.TANGENTIAL_P2P] + EPS);
    const lnG = Math.log(g < 0 ? -g : g);
    const rse = r[CoherenceResult.GAIN_SE] / (g < 0 ? -g : g);
    this.jobGain[0] = lnG;
    this.jobGain[1] = rse;
    v[i++] = rse;
    const post = r[CoherenceResult.TANGENTIAL_P2P] / Math.exp(this.posteriorLnGain(lnG, rse));
    v[i++] = Math.log(1 + post);
    v[i++] = post > DTV_CAP_UM ? DTV_CAP_UM : post;
    for (let k = 0; k < 4; k++) v[i++] = Math.log(1 + r[CoherenceResult.T1 + k]);
    for (let k = 0; k < 6; k++) v[i++] = r[CoherenceResult.RATIO1 + k];
    v[i++] = Math.log(this.yHigh.stat(0, 0, s) + EPS);
    v[i++] = this.waviness();
    this.last[0] = v[i - 1];
    this.last[1] = v[INPUT_CHATTER];
    v[i++] = this.prev[0];
    v[i++] = this.prev[1];
    return v;
  }

  /** A cut-face revolution's probe orders 1..4 into the current pass's sums (reset on a new pass). */
  private addWavy(row: ArrayLike<number>): void {
    const w = this.wavy;
    if (row[R.pass] !== this.wavyPass) {
      this.wavyPass = row[R.pass];
      w.fill(0);
    }
    const o = PH + PhasorBlock.RUN;
    for (let k = 0; k < 8; k++) if (row[o + k] !== row[o + k]) return;
    for (let k = 0; k < 8; k++) w[k] += row[o + k];
    w[8]++;
  }

  /** c_wavy (see the header), after the coherence's finish(). */
  private waviness(): number {
    const w = this.wavy;
    const n = w[8];
    if (!(n > 0)) return Number.NaN;
    const co = this.coherence;
    const withRef = co.result[CoherenceResult.REFERENCE_REVS] > 0 && co.result[CoherenceResult.RESPONSE_REVS] > 0;
    const R = co.reference;
    let rc = 0;
    let rs = 0;
    if (withRef) {
      // ρ = F_1 / R_1 (complex).
      const r2 = R[0] * R[0] + R[1] * R[1];
      const fc = w[0] / n;
      const fs = w[1] / n;
      if (r2 > 0) {
        rc = (fc * R[0] + fs * R[1]) / r2;
        rs = (fs * R[0] - fc * R[1]) / r2;
      }
    }
    let amp = 0;
    for (let k = 1; k < 4; k++) {
      const xr = withRef ? R[2 * k] : 0;
      const xi = withRef ? R[2 * k + 1] : 0;
      const dc = w[2 * k] / n - (rc * xr - rs * xi);
      const ds = w[2 * k + 1] / n - (rc * xi + rs * xr);
      amp += Math.sqrt(dc * dc + ds * ds);
    }
    return Math.log(amp + EPS);
  }

  /** ln ĝ combined with the fleet's mean by inverse variances (the job's alone without a fleet yet). */
  private posteriorLnGain(lnG: number, rse: number): number {
    const f = this.fleetGain;
    if (f[0] < FLEET_MIN_JOBS || !(lnG === lnG)) return lnG;
    const vJob = rse === rse && rse > 0 ? rse * rse : Infinity;
    const vFleet = f[2] > 1e-4 ? f[2] : 1e-4;
    if (vJob === Infinity) return f[1];
    return (lnG / vJob + f[1] / vFleet) / (1 / vJob + 1 / vFleet);
  }

  /** At a job's START: the previous job's gain joins the fleet statistics when it was well measured. */
  private learnFleetGain(): void {
    const lnG = this.jobGain[0];
    const rse = this.jobGain[1];
    this.jobGain.fill(Number.NaN);
    if (!(lnG === lnG) || !(rse < FLEET_RSE) || lnG === -Infinity) return;
    const f = this.fleetGain;
    const n = f[0] + 1;
    const a = n < FLEET_WINDOW ? 1 / n : 1 / FLEET_WINDOW;
    const d = lnG - f[1];
    f[1] += a * d;
    f[2] = n < 2 ? 0 : (1 - a) * (f[2] + a * d * d);
    f[0] = n;
  }

  /** The coherence analysis of the last finish() (diagnostics: result, reference, response). */
  get orderCoherence(): OrderCoherence {
    return this.coherence;
  }

  /** Mean of the tangential orders 5..8 of a cut revolution into the yHigh ring. */
  private addHigh(row: ArrayLike<number>): void {
    let sum = 0;
    for (let k = 0; k < Y_HIGH.length; k++) sum += row[Y_HIGH[k]];
    this.scratch[0] = sum / Y_HIGH.length;
    this.yHigh.add(this.scratch);
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
