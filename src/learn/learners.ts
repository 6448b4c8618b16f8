// The two estimators of the shop controller, as the plugins and the evaluation use them:
//
//   JudderLearner      p(judder) from the job inputs. Cold start: until `minLabels` labels have been
//                      learned, the stated rule (src/controller/rules.ts: logistic in LRO before the cut,
//                      p = 0.5 at 50 µm) with source "rule"; then the network, source "model".
//   CutQualityLearner  residual runout (regression on the check pass's lroPostUm: the network learns
//                      the correction to the rule's estimate c_lro_rule, lroPostUm − c_lro_rule) and Ra (a separate
//                      network, taught only by jobs with a raUm label). Cold start: residual runout =
//                      the rule's median LRO of the last cut revolutions over the cut face (input
//                      c_lro_rule), Ra = null, source "rule"; each network takes over once it has
//                      `minLabels` labels (source "model" when the residual network does).
// Prior (src/learn/prior.ts): a learner given a prior model (the plugins' `prior` config key) starts
// from it instead of the rule: its estimates say source "prior" and the prior's version until the
// model's own first update, then "model" and `<kind>-v<N>`. Cut quality: the prior is for Ra (the
// residual-runout network keeps its rule fallback: its running error must beat the rule's first);
// its estimate says "prior" while the Ra estimate comes from the prior and the residual from the rule.
// Both: estimate() before the label, observe() once per job after its (last) estimate (the inputs join
// the normalisation statistics; no label involved), learn() when the label arrives. Allocation-free apart from the small estimate objects the plugins send.
import { judderP, DEFAULT_JUDDER_RULE, type JudderRuleConfig } from "../controller/rules.ts";
import { INPUT_INDEX, INPUT_NAMES, JUDDER_INPUTS, RA_INPUTS } from "./job-inputs.ts";
import { OnlineModel, type OnlineModelOptions } from "./online-model.ts";
import { judderTarget, raTarget, residualTarget, type JobLabels } from "./targets.ts";

export type LearnerOptions = Partial<Omit<OnlineModelOptions, "kind" | "inputs" | "task">>;
export type Source = "model" | "prior" | "rule";

export const MODEL_KINDS = { judder: "judder", residual: "residual-runout", ra: "ra" } as const;

/** The name an estimate gives its model's version: `<kind>-v<N>` unless the plugin names versions
 *  otherwise (the job-log variants: the registry's name, src/learn/version-track.ts). */
export type VersionNamer = (model: OnlineModel) => string;
const ownName: VersionNamer = (m) => m.versionName();

export class JudderLearner {
  /** Replaced only by adopt() (a version made active in the registry while running). */
  model: OnlineModel;
  versionName: VersionNamer = ownName;
  /** model: a loaded one (loadOnlineModel with judderModelOptions), else a new one. */
  constructor(options: LearnerOptions = {}, readonly rule: JudderRuleConfig = DEFAULT_JUDDER_RULE, model?: OnlineModel) {
    this.model = model ?? new OnlineModel(judderModelOptions(options));
  }

  /** Continues from another model of the same kind (e.g. a promoted registry version). */
  adopt(model: OnlineModel): void {
    this.model = model;
  }

  /** The network's p once ready, else the rule's (null without an LRO before the cut). */
  estimate(inputs: ArrayLike<number>, lroPreUm: number | null): { p: number | null; source: Source; modelVersion: string | null; modelP: number } {
    const modelP = this.model.predict(inputs);
    if (this.model.ready && modelP === modelP) return { p: modelP, source: this.model.isPrior ? "prior" : "model", modelVersion: this.versionName(this.model), modelP };
    return { p: judderP(lroPreUm, this.rule), source: "rule", modelVersion: null, modelP };
  }

  /** Adds a job's inputs to the normalisation statistics: once per job, after its estimate. */
  observe(inputs: ArrayLike<number>): void {
    this.model.observe(inputs);
  }

  /** Learns from a job's labels; false when they give no judder label. */
  learn(inputs: ArrayLike<number>, labels: JobLabels | null, lroPreUm: number | null): boolean {
    const t = judderTarget(labels, lroPreUm);
    return t === t ? this.model.learn(inputs, t) : false;
  }
}

export class CutQualityLearner {
  /** Replaced only by adopt(). */
  residual: OnlineModel;
  ra: OnlineModel;
  versionName: VersionNamer = ownName;
  /** Running (exponentially weighted, 1/20) absolute errors of the rule's and the network's
   *  residual-runout estimates, measured before each label is learned. The network's estimate is
   *  used only while its running error is below the rule's. */
  ruleError = Number.NaN;
  modelError = Number.NaN;
  constructor(options: LearnerOptions = {}, raOptions: LearnerOptions = options, models?: { residual?: OnlineModel; ra?: OnlineModel }) {
    this.residual = models?.residual ?? new OnlineModel(residualModelOptions(options));
    this.ra = models?.ra ?? new OnlineModel(raModelOptions(raOptions));
  }

  /** Continues from another model of the kind (e.g. a promoted registry version). */
  adopt(model: OnlineModel): void {
    if (model.kind === this.residual.kind) this.residual = model;
    else if (model.kind === this.ra.kind) this.ra = model;
    else throw new Error(`cut-quality: cannot adopt a '${model.kind}' model`);
  }

  /** Whether each network's estimates are used now (see estimate()). */
  get residualInUse(): boolean {
    return this.residual.ready && this.modelError < this.ruleError;
  }

  estimate(inputs: ArrayLike<number>): { lroPostUm: number | null; raUm: number | null; source: Source; modelVersion: string | null; modelLroPostUm: number; modelRaUm: number } {
    const mRes = this.residual.predict(inputs);
    const mRa = this.ra.predict(inputs);
    const rule = inputs[INPUT_INDEX.c_lro_rule];
    const useRes = this.residual.ready && mRes === mRes && this.modelError < this.ruleError;
    const useRa = this.ra.ready && mRa === mRa;
    const base = rule === rule ? rule : 0;
    const lroPostUm = useRes ? Math.max(0, base + mRes) : rule === rule ? rule : null;
    const raUm = useRa ? Math.max(0, mRa) : null;
    const modelVersion = useRes || useRa ? `${useRes ? this.versionName(this.residual) : "rule"}+${useRa ? this.versionName(this.ra) : "none"}` : null;
    const source: Source = useRes ? (this.residual.isPrior ? "prior" : "model") : useRa && this.ra.isPrior ? "prior" : "rule";
    return { lroPostUm, raUm, source, modelVersion, modelLroPostUm: base + mRes, modelRaUm: mRa };
  }

  /** Adds a job's inputs to both networks' normalisation statistics: once per job, after its estimate. */
  observe(inputs: ArrayLike<number>): void {
    this.residual.observe(inputs);
    this.ra.observe(inputs);
  }

  /** Learns residual runout from the check pass and Ra when labelled; returns what was learned. */
  learn(inputs: ArrayLike<number>, labels: JobLabels | null, lroPostUm: number | null): { residual: boolean; ra: boolean } {
    const rule = inputs[INPUT_INDEX.c_lro_rule];
    const base = rule === rule ? rule : 0;
    const t = residualTarget(lroPostUm);
    if (t === t) {
      const em = Math.abs(base + this.residual.predict(inputs) - t);
      const er = rule === rule ? Math.abs(rule - t) : Infinity;
      this.modelError = this.modelError === this.modelError ? 0.95 * this.modelError + 0.05 * em : em;
      this.ruleError = this.ruleError === this.ruleError ? 0.95 * this.ruleError + 0.05 * er : er;
    }
    const r = t - base;
    const a = raTarget(labels);
    return { residual: r === r ? this.residual.learn(inputs, r) : false, ra: a === a ? this.ra.learn(inputs, a) : false };
  }
}

export function judderModelOptions(options: LearnerOptions = {}): OnlineModelOptions {
  return { use: JUDDER_INPUTS, ...options, kind: MODEL_KINDS.judder, inputs: INPUT_NAMES, task: "binary" };
}
export function residualModelOptions(options: LearnerOptions = {}): OnlineModelOptions {
  return { ...options, kind: MODEL_KINDS.residual, inputs: INPUT_NAMES, task: "regression" };
}
export function raModelOptions(options: LearnerOptions = {}): OnlineModelOptions {
  // ln Ra: roughness is positive with multiplicative scatter; the network's estimate is then a
  // median, which the absolute error the issue scores rewards (bench:eval from scratch, seeds 1–5: 0.163 → 0.157 µm).
  return { use: RA_INPUTS, ...options, kind: MODEL_KINDS.ra, inputs: INPUT_NAMES, task: "regression", targetScale: "log", seed: (options.seed ?? 1) + 7 };
}
