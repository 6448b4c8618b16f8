// cut-quality: residual runout and Ra estimates learned online (src/learn), and the learned alarms.
// Replaces cut-quality-rule in a config (it writes the same cut-quality.estimates channel).
//
// - At the end of each cut pass (the last one counts), before the check pass and before any label:
//   residual runout = the rule's estimate (median LRO of the last 5 cut revolutions over the cut
//   face) + the network's learned correction, once that network has `minLabels` labels and its
//   running error is below the rule's; Ra from its own network once it has `minLabels` Ra labels,
//   null before. source "model" when the residual estimate comes from the network, else "rule".
// - Alarms (src/learn/alarms.ts: chatter in the cut, loose adapter / bad mount), decided from the
//   same inputs against this lathe's learned normal: logged as warnings at once (live), counted,
//   and sent with the estimate so they land in the job record's `alarms`.
// - Labels: residual runout from each complete job's record (the check pass's lroPostUm: every job
//   labels itself); Ra from the record's labels or, in the job-log variant, from labels given later.
// - With `modelDir`, both model files are saved after every update.
import { feedJobEstimates } from "../../src/learn/job-estimate-feed.ts";
import { inOrderSender } from "../../src/controller/in-order-sender.ts";
import { definePlugin, z, type ObjectChannelSpec } from "../../src/runtime/index.ts";
import { cutQualityEstimates, featureRevs, type CutQualityEstimate } from "../../src/controller/channels.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";
import type { Label } from "../../src/store/index.ts";
import { CutQualityLearner, raModelOptions, residualModelOptions } from "../../src/learn/learners.ts";
import { AlarmDetector } from "../../src/learn/alarms.ts";
import { loadIfPresent, saveIn } from "../../src/learn/model-store.ts";
import { PendingJobs } from "../../src/learn/pending-jobs.ts";
import { learnerConfig, learnerOptions } from "../../src/learn/plugin-config.ts";
import type { RollbackReport } from "../../src/learn/online-model.ts";

export const configSchema = z.object({
  ...learnerConfig,
  /** Learned alarms (src/learn/alarms.ts). */
  alarms: z.boolean().default(true),
  /** Jobs learned before any alarm; z-score limit; ratios to the learned normal. */
  alarmMinJobs: z.number().int().min(1).default(10),
  alarmZ: z.number().positive().default(4),
  chatterRatio: z.number().min(1).default(20),
  mountRatio: z.number().min(1).default(3),
});

export function cutQualityPlugin(labelChannel: ObjectChannelSpec<Label> | null) {
  return definePlugin(
    {
      name: "cut-quality",
      version: "0.1.0",
      host: "^0.1.0",
      config: configSchema,
      reads: labelChannel ? [featureRevs, jobRecordChannel, labelChannel] : [featureRevs, jobRecordChannel],
      writes: [cutQualityEstimates],
      description: "residual runout and Ra learned online; chatter and loose-mount alarms",
    },
    (ctx, config) => {
      const opts = learnerOptions(config);
      const onError = (msg: string) => ctx.log.error(msg);
      const residual = loadIfPresent(config.modelDir, residualModelOptions(opts), onError);
      const ra = loadIfPresent(config.modelDir, raModelOptions(opts), onError);
      const learner = new CutQualityLearner(opts, opts, residual && ra ? { residual, ra } : undefined);
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
      learner.residual.onRollback = onRollback;
      learner.ra.onRollback = onRollback;
      const pending = new PendingJobs();
      const save = (): void => {
        saveIn(config.modelDir, learner.residual);
        saveIn(config.modelDir, learner.ra);
      };

      feedJobEstimates<CutQualityEstimate>(ctx, pending, {
        decide: (x, ordinal, atUs) => {
          const e = learner.estimate(x);
          const found = config.alarms ? alarms.check(x) : [];
          for (const a of found) {
            (a.code === "chatter" ? m.chatter : m.mount).inc();
            ctx.log.warn({ ordinal, code: a.code, score: a.score, ratio: a.ratio }, `job ${ordinal}: ${a.message}`);
          }
          return {
            ordinal, lroPostUm: round3(e.lroPostUm), raUm: round3(e.raUm), source: e.source, modelVersion: e.modelVersion,
            alarms: found.map((a) => ({ code: a.code, atUs, message: a.message, score: round3(a.score) ?? 0, ratio: round3(a.ratio) ?? 0 })),
          };
        },
        observe: (x) => learner.observe(x),
        undecided: (ordinal) => ({ ordinal, lroPostUm: null, raUm: null, source: "rule", modelVersion: null }),
        send: inOrderSender(ctx.channels.writer(cutQualityEstimates)),
      });

      const rr = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = rr.shift(); e !== undefined; e = rr.shift()) {
          const r = e.record;
          pending.link(r.ordinal, r.id);
          const x = pending.find(r.ordinal);
          if (!x) continue;
          const got = learner.learn(x, r.labels, r.status === "complete" ? r.measured.lroPostUm : null);
          if (got.residual) m.labels.inc();
          if (got.ra) m.raLabels.inc();
          m.version.set(learner.residual.version);
          if (got.residual || got.ra) save();
        }
      });
      if (labelChannel) {
        const lr = ctx.channels.reader(labelChannel, () => {
          for (let l = lr.shift(); l !== undefined; l = lr.shift()) {
            const x = pending.find(null, l.jobId);
            if (!x || l.raUm === null) continue;
            if (learner.learn(x, l, null).ra) {
              m.raLabels.inc();
              save();
            }
          }
        });
      }
      return {};
    },
  );
}

function round3(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000;
}
