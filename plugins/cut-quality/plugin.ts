// cut-quality: residual runout and Ra estimates learned online (src/learn), and the learned alarms.
// Replaces cut-quality-rule in a config (it writes the same cut-quality.estimates channel).
//
// - At the end of each cut pass (the last one counts), before the check pass and before any label:
//   residual runout = the rule's estimate (median LRO of the last 5 cut revolutions over the cut
//   face) + the network's learned correction, once that network has `minLabels` labels and its
//   running error is below the rule's; Ra from its own network once it has `minLabels` Ra labels,
//   null before (with `raPriorFile`: from the prior until the Ra network's first own update).
//   source "model" when the residual estimate comes from the network, else "prior" when Ra comes
//   from the prior, else "rule".
// - Alarms (src/learn/alarms.ts: chatter in the cut, loose adapter / bad mount), decided from the
//   same inputs against this lathe's learned normal: logged as warnings at once (live), counted,
//   and sent with the estimate so they land in the job record's `alarms`.
// - Labels: residual runout from each complete job's record (the check pass's lroPostUm: every job
//   labels itself); Ra from the record's labels or, in the job-log variant, from labels given later.
// - Each label is first scored against the estimate issued for its job (running MAE of residual
//   runout and of Ra over the newest 200 labels: src/learn/running-scores.ts).
// - With `modelDir`, both model files are saved after every update. The job-log variant also
//   registers every version and rollback of both models in the job log's model registry and
//   continues from a version made active there (src/learn/kept-model.ts, version-track.ts); the
//   record's modelVersion is then `<residual version | rule>+<Ra version | none>`, each a registry version.
// - Live status of both models on `cut-quality.status` (learner-status.ts).
import { feedJobEstimates } from "../../src/learn/job-estimate-feed.ts";
import { inOrderSender } from "../../src/controller/in-order-sender.ts";
import { definePlugin, z, type ObjectChannelSpec } from "../../src/runtime/index.ts";
import { cutQualityEstimates, featureRevs, type CutQualityEstimate } from "../../src/controller/channels.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";
import type { JobLog, Label } from "../../src/store/index.ts";
import { CutQualityLearner, raModelOptions, residualModelOptions } from "../../src/learn/learners.ts";
import { AlarmDetector } from "../../src/learn/alarms.ts";
import { loadIfPresent } from "../../src/learn/model-store.ts";
import { priorOrRule } from "../../src/learn/prior.ts";
import { PendingJobs } from "../../src/learn/pending-jobs.ts";
import { learnerConfig, learnerOptions, registryConfig } from "../../src/learn/plugin-config.ts";
import type { OnlineModel, RollbackReport } from "../../src/learn/online-model.ts";
import { cutQualityStatus } from "../../src/learn/learner-status.ts";
import { IssuedEstimates, RunningMae } from "../../src/learn/running-scores.ts";
import { KeptModel } from "../../src/learn/kept-model.ts";
import { openModelLog, VersionTrack } from "../../src/learn/version-track.ts";
import { raTarget, residualTarget, type JobLabels } from "../../src/learn/targets.ts";

export const configSchema = z.object({
  ...learnerConfig,
  /**
   * A prior Ra model (src/learn/prior.ts; the shipped one: models/prior/ra.epnn, trained on
   * simulator seeds no evaluation uses, bench/train-prior.ts): the Ra network starts from it instead
   * of giving no estimate (source "prior" while residual runout is the rule's, modelVersion
   * `rule+<prior version>`, until the Ra network's first own update). Relative to the config file.
   * A file of another kind, input layout or selection is refused with an error in the log. Ignored
   * when `modelDir` (or the registry) already holds the models.
   */
  raPriorFile: z.string().min(1).optional(),
  /** Learned alarms (src/learn/alarms.ts). */
  alarms: z.boolean().default(true),
  /** Jobs learned before any alarm; z-score limit; ratios to the learned normal. */
  alarmMinJobs: z.number().int().min(1).default(10),
  alarmZ: z.number().positive().default(4),
  chatterRatio: z.number().min(1).default(20),
  mountRatio: z.number().min(1).default(3),
});
export const jobLogConfigSchema = configSchema.extend(registryConfig);
type Config = z.output<typeof jobLogConfigSchema>;

export function cutQualityPlugin(labelChannel: ObjectChannelSpec<Label> | null) {
  return definePlugin(
    {
      name: "cut-quality",
      version: "0.1.0",
      host: "^0.1.0",
      config: labelChannel ? jobLogConfigSchema : configSchema,
      reads: labelChannel ? [featureRevs, jobRecordChannel, labelChannel] : [featureRevs, jobRecordChannel],
      writes: [cutQualityEstimates, cutQualityStatus],
      description: "residual runout and Ra learned online; chatter and loose-mount alarms",
    },
    (ctx, config: Partial<Config> & z.output<typeof configSchema>) => {
      const opts = learnerOptions(config);
      const onError = (msg: string) => ctx.log.error(msg);
      const kinds = { residual: residualModelOptions(opts), ra: raModelOptions(opts) };
      const residual = loadIfPresent(config.modelDir, kinds.residual, onError);
      const ra = loadIfPresent(config.modelDir, kinds.ra, onError);
      const loaded = residual && ra ? { residual, ra } : undefined;
      const prior = loaded ? null : priorOrRule(config.raPriorFile, kinds.ra, onError);
      const learner = new CutQualityLearner(opts, opts, loaded ?? (prior ? { ra: prior } : undefined));
      if (prior) ctx.log.info({ version: prior.origin, file: config.raPriorFile }, "Ra learner starts from its prior");
      const alarms = new AlarmDetector({ minJobs: config.alarmMinJobs, zLimit: config.alarmZ, chatterRatio: config.chatterRatio, mountRatio: config.mountRatio });
      const m = {
        labels: ctx.metrics.counter("labels", "residual-runout labels learned"),
        raLabels: ctx.metrics.counter("raLabels", "Ra labels learned"),
        rollbacks: ctx.metrics.counter("rollbacks", "automatic rollbacks of either model"),
        chatter: ctx.metrics.counter("alarmsChatter", "chatter alarms"),
        mount: ctx.metrics.counter("alarmsLooseMount", "loose adapter / bad mount alarms"),
        version: ctx.metrics.gauge("version", "residual-runout model version"),
      };
      const onRollback = (r: RollbackReport) => {
        m.rollbacks.inc();
        ctx.log.warn({ ...r }, `${r.kind} model rolled back from v${r.from} to v${r.to}: running loss ${r.anchorError.toFixed(3)} against ${r.baseline.toFixed(3)}; ${r.dropped} recent label(s) left out of replay`);
      };
      const scores = { residual: new RunningMae(), ra: new RunningMae() };
      const issued = { residual: new IssuedEstimates(), ra: new IssuedEstimates() };
      const status = ctx.channels.writer(cutQualityStatus);
      const keep = (get: () => OnlineModel, score: RunningMae, inUse: () => boolean) =>
        new KeptModel({ learner: "cut-quality", get, adopt: (x) => learner.adopt(x), modelDir: config.modelDir, status, log: ctx.log, scores: () => score.scores(), inUse, onRollback });
      const kept = {
        residual: keep(() => learner.residual, scores.residual, () => learner.residualInUse),
        ra: keep(() => learner.ra, scores.ra, () => learner.ra.ready),
      };
      learner.versionName = (x) => (x.kind === kinds.ra.kind ? kept.ra : kept.residual).name(x);
      const pending = new PendingJobs();
      let log: JobLog | null = null;

      feedJobEstimates<CutQualityEstimate>(ctx, pending, {
        decide: (x, ordinal, atUs) => {
          const e = learner.estimate(x);
          const found = config.alarms ? alarms.check(x) : [];
          for (const a of found) {
            (a.code === "chatter" ? m.chatter : m.mount).inc();
            ctx.log.warn({ ordinal, code: a.code, score: a.score, ratio: a.ratio }, `job ${ordinal}: ${a.message}`);
          }
          const lroPostUm = round3(e.lroPostUm);
          const raUm = round3(e.raUm);
          issued.residual.set(ordinal, lroPostUm);
          issued.ra.set(ordinal, raUm);
          return {
            ordinal, lroPostUm, raUm, source: e.source, modelVersion: e.modelVersion,
            alarms: found.map((a) => ({ code: a.code, atUs, message: a.message, score: round3(a.score) ?? 0, ratio: round3(a.ratio) ?? 0 })),
          };
        },
        observe: (x) => learner.observe(x),
        undecided: (ordinal) => ({ ordinal, lroPostUm: null, raUm: null, source: "rule", modelVersion: null }),
        send: inOrderSender(ctx.channels.writer(cutQualityEstimates)),
      });

      /** Scores the issued estimates, learns, and hands each model's outcome to its keeper. */
      const learn = (x: Float64Array, labels: JobLabels | null, lroPostUm: number | null, ordinal: number | null, id: string | null): void => {
        const t = residualTarget(lroPostUm);
        if (t === t) scores.residual.add(issued.residual.get(ordinal, id), t);
        const a = raTarget(labels);
        if (a === a) scores.ra.add(issued.ra.get(ordinal, id), a);
        const got = learner.learn(x, labels, lroPostUm);
        if (got.residual) m.labels.inc();
        if (got.ra) m.raLabels.inc();
        kept.residual.learned(got.residual);
        kept.ra.learned(got.ra);
        m.version.set(learner.residual.version);
      };

      const rr = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = rr.shift(); e !== undefined; e = rr.shift()) {
          const r = e.record;
          pending.link(r.ordinal, r.id);
          issued.residual.link(r.ordinal, r.id);
          issued.ra.link(r.ordinal, r.id);
          const x = pending.find(r.ordinal);
          if (x) learn(x, r.labels, r.status === "complete" ? r.measured.lroPostUm : null, r.ordinal, null);
        }
      });
      if (labelChannel) {
        const lr = ctx.channels.reader(labelChannel, () => {
          for (let l = lr.shift(); l !== undefined; l = lr.shift()) {
            const x = pending.find(null, l.jobId);
            if (x && l.raUm !== null) learn(x, l, null, null, l.jobId);
          }
        });
      }
      return {
        start() {
          if (labelChannel) log = openModelLog(config.db, (msg) => ctx.log.error(msg));
          if (log) {
            kept.residual.attachTrack(new VersionTrack(log.models, log.file, kinds.residual, config.keepVersions));
            kept.ra.attachTrack(new VersionTrack(log.models, log.file, kinds.ra, config.keepVersions));
            ctx.timers.setInterval(() => {
              kept.residual.poll();
              kept.ra.poll();
            }, config.registryPollMs ?? 1000);
          }
          kept.residual.start();
          kept.ra.start();
          m.version.set(learner.residual.version);
        },
        stop() {
          log?.close();
          log = null;
        },
      };
    },
  );
}

function round3(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000;
}
