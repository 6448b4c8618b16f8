// Alarms learned from this lathe's own normal jobs. For each watched quantity (from the job
// inputs, all logged) the detector keeps the values of the last `window` (default 100) jobs that
// raised no alarm and takes its normal from them by robust statistics (so the normal is this
// garage's, and the few odd jobs among them do not shift it): a level (a quantile) and a spread
// (1.4826 × the median absolute deviation). The anomaly score of a quantity is its robust z-score.
//
//   chatter  ln of the cut's chatter-band energy (500–1500 Hz, three axes summed, median over the
//            cut revolutions). Its normal is the 25th percentile (a shop's tips wear, so many cuts
//            chatter a little; the smooth cut is the normal). Alarm when the energy is ≥
//            chatterRatio (default 20) × that normal and its z ≥ zLimit (default 4): far above this
//            lathe's normal, both physically and statistically.
//   mount    loose adapter / bad mount: ln of the runout wander (µm, 1st-order phasor change
//            between revolutions) in the measure and in the cut, and ln of the measure's
//            sub-revolution vibration energy (three axes); normal = median. Alarm when any of them
//            has z ≥ zLimit AND is ≥ mountRatio (default 3) × its normal.
// No alarm until `minJobs` (default 10) jobs have been learned (the normal is unknown before).
// Allocation-free per job apart from the alarm objects (the statistics sort a preallocated scratch).
import { INPUT_INDEX, sortPrefix } from "./job-inputs.ts";

export interface AlarmOptions {
  minJobs?: number;
  zLimit?: number;
  chatterRatio?: number;
  mountRatio?: number;
  /** Jobs kept for the normal. */
  window?: number;
}

export interface LearnedAlarm {
  code: "chatter" | "loose-mount";
  /** The largest z-score among the quantities that raised it. */
  score: number;
  /** Measured value ÷ learned normal (energy or wander ratio). */
  ratio: number;
  message: string;
}

const WATCHED = ["chatter", "m_wander", "c_wander", "m_subrev"] as const;
const CHATTER = 0;
const WANDER_FLOOR_UM = 0.05;
/** Spread floor (ln units): a quantity that never varied still needs a 5 % change per σ. */
const MIN_SPREAD = 0.05;

export class AlarmDetector {
  readonly values = new Float64Array(WATCHED.length);
  readonly z = new Float64Array(WATCHED.length);
  /** Learned normal per quantity: level and robust spread (valid once jobs ≥ minJobs). */
  readonly level = new Float64Array(WATCHED.length);
  readonly spread = new Float64Array(WATCHED.length);
  jobs = 0;
  private readonly o: Required<AlarmOptions>;
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;

  constructor(options: AlarmOptions = {}) {
    this.o = { minJobs: 10, zLimit: 4, chatterRatio: 20, mountRatio: 3, window: 100, ...options };
    this.ring = new Float64Array(this.o.window * WATCHED.length);
    this.scratch = new Float64Array(this.o.window);
  }

  /** Fills `values` (logged quantities) from a job's inputs (INPUT_NAMES layout). */
  measure(x: ArrayLike<number>): void {
    const v = this.values;
    v[0] = Math.log(Math.exp(x[INPUT_INDEX.c_x_band_chatter]) + Math.exp(x[INPUT_INDEX.c_y_band_chatter]) + Math.exp(x[INPUT_INDEX.c_z_band_chatter]));
    v[1] = Math.log(x[INPUT_INDEX.m_wander_med] + WANDER_FLOOR_UM);
    v[2] = Math.log(x[INPUT_INDEX.c_wander_med] + WANDER_FLOOR_UM);
    v[3] = Math.log(Math.exp(x[INPUT_INDEX.m_x_subrev]) + Math.exp(x[INPUT_INDEX.m_y_subrev]) + Math.exp(x[INPUT_INDEX.m_z_subrev]));
  }

  /** Scores a job and, when it raises no alarm, learns it as normal. Returns its alarms. */
  check(x: ArrayLike<number>): LearnedAlarm[] {
    this.measure(x);
    const v = this.values;
    const ready = this.jobs >= this.o.minJobs;
    const out: LearnedAlarm[] = [];
    if (ready) {
      for (let k = 0; k < v.length; k++) this.z[k] = v[k] === v[k] ? (v[k] - this.level[k]) / this.spread[k] : 0;
      const zc = this.z[CHATTER];
      const rc = Math.exp(v[CHATTER] - this.level[CHATTER]);
      if (zc >= this.o.zLimit && rc >= this.o.chatterRatio) {
        out.push({ code: "chatter", score: zc, ratio: rc, message: `chatter during the cut: chatter-band energy ${rc.toFixed(0)}× this lathe's normal (z ${zc.toFixed(1)})` });
      }
      let worst = -1;
      for (let k = 1; k < WATCHED.length; k++) {
        const r = Math.exp(v[k] - this.level[k]);
        if (this.z[k] >= this.o.zLimit && r >= this.o.mountRatio && (worst < 0 || this.z[k] > this.z[worst])) worst = k;
      }
      if (worst > 0) {
        const r = Math.exp(v[worst] - this.level[worst]);
        out.push({ code: "loose-mount", score: this.z[worst], ratio: r, message: `loose adapter or bad mount: ${WATCHED[worst].replace("_", " ")} ${r.toFixed(1)}× this lathe's normal (z ${this.z[worst].toFixed(1)})` });
      }
    }
    if (out.length === 0) this.learnNormal();
    return out;
  }

  private learnNormal(): void {
    const w = WATCHED.length;
    const row = (this.jobs % this.o.window) * w;
    for (let k = 0; k < w; k++) this.ring[row + k] = this.values[k];
    this.jobs++;
    const n = this.jobs < this.o.window ? this.jobs : this.o.window;
    const s = this.scratch;
    for (let k = 0; k < w; k++) {
      let m = 0;
      for (let r = 0; r < n; r++) {
        const v = this.ring[r * w + k];
        if (v === v) s[m++] = v;
      }
      if (m === 0) continue;
      sortPrefix(s, m);
      const level = s[Math.floor((k === CHATTER ? 0.25 : 0.5) * (m - 1))];
      const med = s[Math.floor(0.5 * (m - 1))];
      for (let i = 0; i < m; i++) s[i] = Math.abs(s[i] - med);
      sortPrefix(s, m);
      this.level[k] = level;
      this.spread[k] = Math.max(1.4826 * s[Math.floor(0.5 * (m - 1))], MIN_SPREAD);
    }
  }
}
