// judder: the judder flag learned online (src/learn). Replaces judder-rule in a config (it writes
// the same judder.estimates channel).
//
// - At the end of each cut pass (the last one counts), from the job's measure and cut revolutions
//   (JobInputs over features.revs), before the check pass and before any label: p from the network
//   once it has learned `minLabels` labels (source "model", modelVersion "judder-v<N>"), before that
//   the stated rule: p = logistic((LRO before the cut − limitUm) / scaleUm) (source "rule"), or,
//   with `priorFile`, the prior model (source "prior", modelVersion the prior's version) until the
//   model's first own update.
//   flag = p ≥ threshold. Sent at the job's end.
// - Labels: from each job's record on jobs.records (a replay's label file; judder, or dtvUm by the
//   datasheet's definition, src/learn/targets.ts), and, in the job-log variant (with-job-log.ts),
//   labels given later through the job log (jobs.labels, by job id). The inputs of the last 256
//   jobs are kept for that. Each label is first scored against the p issued for its job (running
//   AUC, accuracy and F1 over the newest 200 labels: src/learn/running-scores.ts).
// - Every update is a new version; a rollback (src/learn/online-model.ts) is logged as a warning
//   and counted (`rollbacks`). With `modelDir`, the model file is saved after every update. The
//   job-log variant also registers every version and rollback in the job log's model registry and
//   continues from a version made active there (src/learn/kept-model.ts, version-track.ts).
// - Live status (version, source, labels, running scores) on `judder.status` (learner-status.ts).
import { feedJobEstimates } from "../../src/learn/job-estimate-feed.ts";
import { inOrderSender } from "../../src/controller/in-order-sender.ts";
import { definePlugin, z, type ObjectChannelSpec, type PluginContext } from "../../src/runtime/index.ts";
import { featureRevs, judderEstimates, type JudderEstimate } from "../../src/controller/channels.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";
import type { JobLog, Label } from "../../src/store/index.ts";
import { JudderLearner, judderModelOptions } from "../../src/learn/learners.ts";
import { loadIfPresent } from "../../src/learn/model-store.ts";
import { priorOrRule } from "../../src/learn/prior.ts";
import { PendingJobs, lroPreOf } from "../../src/learn/pending-jobs.ts";
import { learnerConfig, learnerOptions, registryConfig } from "../../src/learn/plugin-config.ts";
import { judderTarget, type JobLabels } from "../../src/learn/targets.ts";
import { judderStatus } from "../../src/learn/learner-status.ts";
import { IssuedEstimates, RunningJudderScores } from "../../src/learn/running-scores.ts";
import { KeptModel } from "../../src/learn/kept-model.ts";
import { openModelLog, VersionTrack } from "../../src/learn/version-track.ts";

export const configSchema = z.object({
  /** Flag when p ≥ threshold. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** The cold-start rule: LRO before the cut at which it says judder (µm), logistic width. */
  limitUm: z.number().positive().default(50),
  scaleUm: z.number().positive().default(5),
  /**
   * A prior judder model (src/learn/prior.ts; the shipped one: models/prior/judder.epnn, trained on
   * simulator seeds no evaluation uses, bench/train-prior.ts): the learner starts from it instead of
   * the rule (source "prior", modelVersion the prior's version, until its first own update). A
   * relative path is relative to the config file. A file of another kind, input layout or selection
   * is refused with an error in the log and the rule is used. Ignored when `modelDir` (or the
   * registry) already holds a model: a model that has learned continues.
   */
  priorFile: z.string().min(1).optional(),
  ...learnerConfig,
});
export const jobLogConfigSchema = configSchema.extend(registryConfig);
type Config = z.output<typeof jobLogConfigSchema>;

export function judderPlugin(labelChannel: ObjectChannelSpec<Label> | null) {
  return definePlugin(
    {
      name: "judder",
      version: "0.1.0",
      host: "^0.1.0",
      config: labelChannel ? jobLogConfigSchema : configSchema,
      reads: labelChannel ? [featureRevs, jobRecordChannel, labelChannel] : [featureRevs, jobRecordChannel],
      writes: [judderEstimates, judderStatus],
      description: "judder flag learned online from runout and vibration (rule until enough labels)",
    },
    (ctx, config: Partial<Config> & z.output<typeof configSchema>) => {
      const opts = learnerOptions(config);
      const modelOptions = judderModelOptions(opts);
      const loaded = loadIfPresent(config.modelDir, modelOptions, (msg) => ctx.log.error(msg));
      const prior = loaded ? null : priorOrRule(config.priorFile, modelOptions, (msg) => ctx.log.error(msg));
      const learner = new JudderLearner(opts, { limitUm: config.limitUm, scaleUm: config.scaleUm, threshold: config.threshold }, loaded ?? prior ?? undefined);
      if (loaded) ctx.log.info({ version: loaded.versionName(), labels: loaded.labels }, "judder model loaded");
      if (prior) ctx.log.info({ version: prior.origin, file: config.priorFile }, "judder learner starts from its prior");
      const m = metricsOf(ctx);
      const scores = new RunningJudderScores(config.threshold);
      const issued = new IssuedEstimates();
      let log: JobLog | null = null;
      const kept = new KeptModel({
        learner: "judder", get: () => learner.model, adopt: (x) => learner.adopt(x), modelDir: config.modelDir,
        status: ctx.channels.writer(judderStatus), log: ctx.log, scores: () => scores.scores(), inUse: () => learner.model.ready,
        onRollback: (r) => {
          m.rollbacks.inc();
          ctx.log.warn({ ...r }, `judder model rolled back from v${r.from} to v${r.to}: running loss ${r.anchorError.toFixed(3)} against ${r.baseline.toFixed(3)}; ${r.dropped} recent label(s) left out of replay`);
        },
      });
      learner.versionName = (x) => kept.name(x);
      const pending = new PendingJobs();
      const learn = (x: Float64Array, labels: JobLabels | null, lroPre: number | null, p: number | null): void => {
        const t = judderTarget(labels, lroPre);
        if (t === t) scores.add(p, t);
        const ok = learner.learn(x, labels, lroPre);
        if (ok) m.labels.inc();
        kept.learned(ok);
        m.version.set(learner.model.version);
      };

      feedJobEstimates<JudderEstimate>(ctx, pending, {
        decide: (x, ordinal) => {
          const e = learner.estimate(x, lroPreOf(x));
          (e.source === "model" ? m.model : e.source === "prior" ? m.prior : m.rule).inc();
          issued.set(ordinal, e.p);
          return { ordinal, p: e.p, flag: e.p === null ? null : e.p >= config.threshold, source: e.source, modelVersion: e.modelVersion };
        },
        observe: (x) => learner.observe(x),
        undecided: (ordinal) => ({ ordinal, p: null, flag: null, source: "rule", modelVersion: null }),
        send: inOrderSender(ctx.channels.writer(judderEstimates)),
      });

      const rr = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = rr.shift(); e !== undefined; e = rr.shift()) {
          const r = e.record;
          pending.link(r.ordinal, r.id);
          issued.link(r.ordinal, r.id);
          const x = pending.find(r.ordinal);
          if (x && r.labels) learn(x, r.labels, r.measured.lroPreUm, issued.get(r.ordinal));
        }
      });
      if (labelChannel) {
        const lr = ctx.channels.reader(labelChannel, () => {
          for (let l = lr.shift(); l !== undefined; l = lr.shift()) {
            const x = pending.find(null, l.jobId);
            if (x) learn(x, l, lroPreOf(x), issued.get(null, l.jobId));
            else m.unmatched.inc();
          }
        });
      }
      return {
        start() {
          if (labelChannel) log = openModelLog(config.db, (msg) => ctx.log.error(msg));
          if (log) {
            kept.attachTrack(new VersionTrack(log.models, log.file, modelOptions, config.keepVersions));
            ctx.timers.setInterval(() => kept.poll(), config.registryPollMs ?? 1000);
          }
          kept.start();
          m.version.set(learner.model.version);
        },
        stop() {
          log?.close();
          log = null;
        },
      };
    },
  );
}

function metricsOf(ctx: PluginContext) {
  return {
    labels: ctx.metrics.counter("labels", "labels learned"),
    rollbacks: ctx.metrics.counter("rollbacks", "automatic rollbacks of the judder model"),
    version: ctx.metrics.gauge("version", "current judder model version"),
    model: ctx.metrics.counter("fromModel", "estimates from the network"),
    rule: ctx.metrics.counter("fromRule", "estimates from the cold-start rule"),
    prior: ctx.metrics.counter("fromPrior", "estimates from the prior model (before the first update)"),
    unmatched: ctx.metrics.counter("labelsUnmatched", "labels of jobs no longer (or never) seen by this run"),
  };
}
