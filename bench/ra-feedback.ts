// Experiment bench (issue 5, Ra): does label feedback about the tool tips' state help the Ra
// network? The hidden cause of Ra is tip wear (cuts since the tips were changed); labels (≈ 40 % of
// jobs, after the job) and the per-job chatter / waviness drops are evidence of it. Each variant
// is the Ra network of src/learn/learners.ts (same options and input selection) plus extra inputs
// computed only from EARLIER jobs' labels (asserted) and the job's own inputs, trained
// test-then-train on the same cached replays, beside the current network in the same run:
//
//   base           the current Ra network (RA_INPUTS)
//   lastAge        + the last Ra label and its age in jobs
//   resid          + an exponentially weighted residual (label − this network's estimate for that job) and its age
//   labelDrop      + jobs since the last label drop (label below the previous label by > 2 × the running
//                    mean absolute label-to-label change; dated halfway between the two labelled jobs)
//   combined       + jobs since the last detected tip change, from a label drop (dated to the job of the
//                    interval whose chatter fell most) or at once from a chatter drop of the job itself
//                    (c_z_band_chatter − p_chatter below −3 × its running mean absolute change)
//                    + the last label and its age
//   posthoc        base + the last label's residual decayed by 0.8 per job (a correction, not an input)
//   kalman         base + a 1-D Kalman filter (random-walk level) on the residual label − base estimate:
//                    measurement variance = running variance of the residuals, process variance = 1/10 of
//                    it per job; reset when an innovation falls below −3 standard deviations (a tip change)
//   ORACLE         + the true tip count (simulator truth): the bound of any tip-state input. Diagnostic only.
//   lr0.001, noRecent, replay16, lr0.001+noRecent   the current network with other learner options
//                    (learning rate 0.001; no recency-weighted replay; 16 replay steps): is the gap the
//                    inputs or the online learner?
//   ORACLE_ALL     + all true causes of Ra (tip count, chatter g, rust, loose adapter, hard-spot severity):
//                    how close this network comes to the Bayes ceiling with perfect inputs. Diagnostic only.
//
//   npx tsx bench/ra-feedback.ts [--seeds=3] [--jobs=300] [--nets=3]
//     (replays cached in bench/out/eval-cache, shared with `npm run bench:eval -- --cache`; a missing
//      one is simulated and replayed first, ~1 min per 600-job seed; then the run takes seconds)
// Figures: Ra MAE over labelled jobs once each network is ready, mean over seeds × network seeds.
import { cachedReplayScenario, samplesFromReplay } from "../src/cli/eval-dataset.ts";
import { INPUT_INDEX, INPUT_NAMES, RA_INPUTS } from "../src/learn/job-inputs.ts";
import { OnlineModel } from "../src/learn/online-model.ts";
import { raModelOptions, type LearnerOptions } from "../src/learn/learners.ts";
import { raTarget } from "../src/learn/targets.ts";

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def;
const seeds = Number(arg("seeds", "3"));
const jobs = Number(arg("jobs", "300"));
const nets = Number(arg("nets", "3"));

const FB = ["fb_last", "fb_age", "fb_res", "fb_res_age", "fb_label_drop", "fb_combined", "oracle_tip", "oracle_chatter", "oracle_rust", "oracle_loose", "oracle_hard"] as const;
const LAYOUT = [...INPUT_NAMES, ...FB];
/** Learner-option variants of the current network (no extra input), beside it: is the gap the inputs or the online learner? */
const OPTION_VARIANTS: Record<string, LearnerOptions> = {
  "lr0.001": { learningRate: 0.001 },
  "noRecent": { recentFraction: 0 },
  "replay16": { replaySteps: 16 },
  "lr0.001+noRecent": { learningRate: 0.001, recentFraction: 0 },
};
const VARIANTS: Record<string, readonly string[]> = {
  lastAge: ["fb_last", "fb_age"],
  resid: ["fb_res", "fb_res_age"],
  labelDrop: ["fb_label_drop"],
  combined: ["fb_combined", "fb_last", "fb_age"],
  ORACLE: ["oracle_tip"],
  ORACLE_ALL: ["oracle_tip", "oracle_chatter", "oracle_rust", "oracle_loose", "oracle_hard"],
};

/** Label feedback state of one variant (updated only by learn(): estimates see earlier labels only). */
class Feedback {
  last = NaN; lastOrd = NaN; res = NaN; resOrd = NaN;
  labelDrop = NaN; dev = NaN;
  change = NaN; chatDev = NaN;
  /** Chatter change (c − p) per ordinal since the last label, to date a label drop. */
  chat = new Map<number, number>();
  write(x: number[], ord: number, truth: readonly number[]): void {
    if (this.lastOrd >= ord) throw new Error(`feedback: the estimate of job ${ord} would use the label of job ${this.lastOrd}`);
    const dc = x[INPUT_INDEX.c_z_band_chatter] - x[INPUT_INDEX.p_chatter];
    if (dc === dc) {
      if (this.chatDev === this.chatDev && dc < -3 * this.chatDev) this.change = ord;
      this.chatDev = this.chatDev === this.chatDev ? 0.95 * this.chatDev + 0.05 * Math.abs(dc) : Math.abs(dc);
      this.chat.set(ord, dc);
    }
    x.push(this.last, ord - this.lastOrd, this.res, ord - this.resOrd, ord - this.labelDrop, ord - this.change, ...truth);
  }
  learn(ord: number, y: number, estimate: number): void {
    if (this.last === this.last) {
      const d = y - this.last;
      if (this.dev === this.dev && d < -2 * this.dev) {
        this.labelDrop = ord - 0.5 * (ord - this.lastOrd);
        let best = Infinity;
        let at = this.labelDrop;
        for (const [o, c] of this.chat) if (o > this.lastOrd && o <= ord && c < best) { best = c; at = o; }
        if (!(this.change > this.lastOrd)) this.change = at;
      }
      this.dev = this.dev === this.dev ? 0.9 * this.dev + 0.1 * Math.abs(d) : Math.abs(d);
    }
    this.last = y; this.lastOrd = ord;
    this.res = this.res === this.res ? 0.5 * this.res + 0.5 * (y - estimate) : y - estimate;
    this.resOrd = ord;
    this.chat.clear();
  }
}

const sums: Record<string, number[]> = {};
/** Consecutive labelled jobs' base residuals (label − base estimate), ready networks only: whether a residual predicts the next. */
const pairs: Array<[number, number, number]> = [];
for (let seed = 1; seed <= seeds; seed++) {
  const samples = samplesFromReplay(await cachedReplayScenario("mixed", jobs, seed, "bench/out/eval-cache"));
  const line: string[] = [];
  for (let n = 0; n < nets; n++) {
    const netSeed = seed + 100 * n;
    const base = new OnlineModel(raModelOptions({ seed: netSeed }));
    const models = Object.fromEntries(Object.entries(VARIANTS).map(([k, u]) => [k, new OnlineModel({ ...raModelOptions({ seed: netSeed }), inputs: LAYOUT, use: [...RA_INPUTS, ...u] })]));
    const optModels = Object.fromEntries(Object.entries(OPTION_VARIANTS).map(([k, o]) => [k, new OnlineModel(raModelOptions({ ...o, seed: netSeed }))]));
    const fb = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, new Feedback()]));
    const post = { r: NaN, ord: NaN };
    const kf = { l: 0, p: 1, ord: NaN, r: NaN };
    const errs: Record<string, number[]> = {};
    const err = (k: string, e: number) => (errs[k] ??= []).push(e);
    for (const s of samples) {
      if (!s.inputs) continue;
      const y = raTarget(s.labels);
      const c = (s.truth?.causes ?? {}) as { tipCuts?: number; chatterG?: number; rust?: number; looseWanderUm?: number; hardSpots?: Array<{ severity: number }> };
      const truth = [Math.min(14, c.tipCuts ?? NaN), c.chatterG ?? NaN, c.rust ?? NaN, (c.looseWanderUm ?? 0) > 0 ? 1 : 0, (c.hardSpots ?? []).reduce((m, h) => Math.max(m, h.severity), 0)];
      const pb = base.predict(s.inputs);
      if (y === y && base.ready) {
        err("base", Math.abs(pb - y));
        const pk = kf.ord === kf.ord ? pb + kf.l : pb;
        err("kalman", Math.abs(pk - y));
        err("posthoc", Math.abs((post.r === post.r ? pb + post.r * Math.pow(0.8, s.ordinal - post.ord) : pb) - y));
      }
      base.observe(s.inputs);
      if (y === y) {
        const e = y - pb;
        if (base.ready && post.r === post.r) pairs.push([post.r, e, s.ordinal - post.ord]);
        if (kf.r === kf.r) {
          const pPred = kf.p + (kf.r / 10) * (kf.ord === kf.ord ? s.ordinal - kf.ord : 1);
          const S = pPred + kf.r;
          const innov = e - kf.l;
          if (innov < -3 * Math.sqrt(S)) { kf.l = e; kf.p = kf.r; }
          else { const k = pPred / S; kf.l += k * innov; kf.p = (1 - k) * pPred; }
          kf.ord = s.ordinal;
        }
        kf.r = kf.r === kf.r ? 0.95 * kf.r + 0.05 * e * e : e * e;
        post.r = y - pb;
        post.ord = s.ordinal;
        base.learn(s.inputs, y);
      }
      for (const [k, m] of Object.entries(optModels)) {
        const p = m.predict(s.inputs);
        m.observe(s.inputs);
        if (y === y) {
          if (m.ready) err(k, Math.abs(p - y));
          m.learn(s.inputs, y);
        }
      }
      for (const k of Object.keys(VARIANTS)) {
        const x = [...s.inputs];
        fb[k].write(x, s.ordinal, truth);
        const p = models[k].predict(x);
        models[k].observe(x);
        if (y === y) {
          if (models[k].ready) err(k, Math.abs(p - y));
          models[k].learn(x, y);
          fb[k].learn(s.ordinal, y, p);
        }
      }
    }
    for (const [k, e] of Object.entries(errs)) (sums[k] ??= []).push(e.reduce((a, b) => a + b, 0) / e.length);
    line.push(Object.entries(errs).map(([k, e]) => `${k} ${(e.reduce((a, b) => a + b, 0) / e.length).toFixed(3)}`).join(" "));
  }
  process.stdout.write(`mixed seed ${seed}, ${jobs} jobs:\n  ${line.join("\n  ")}\n`);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const b = mean(sums.base);
const corr = (ps: Array<[number, number, number]>) => {
  const n = ps.length;
  const ma = ps.reduce((a, p) => a + p[0], 0) / n;
  const mb = ps.reduce((a, p) => a + p[1], 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (const [a, c] of ps) { sab += (a - ma) * (c - mb); saa += (a - ma) ** 2; sbb += (c - mb) ** 2; }
  return `${(sab / Math.sqrt(saa * sbb)).toFixed(2)} (n ${n})`;
};
process.stdout.write(`\ncorrelation of a labelled job's base residual with the previous label's: all ${corr(pairs)}; previous label 1 job back ${corr(pairs.filter((p) => p[2] === 1))}; 2–3 jobs back ${corr(pairs.filter((p) => p[2] >= 2 && p[2] <= 3))}\n`);
process.stdout.write(`\nRa MAE µm, mean of seeds 1–${seeds} × ${nets} network seeds (difference to base):\n`);
for (const [k, v] of Object.entries(sums)) process.stdout.write(`  ${k.padEnd(17)} ${mean(v).toFixed(3)}  (${(mean(v) - b >= 0 ? "+" : "") + (mean(v) - b).toFixed(3)})\n`);
