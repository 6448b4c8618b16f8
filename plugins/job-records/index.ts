// job-records: joins what the pipeline says about each job (features.revs up to its END, the
// tracker's summary, one judder and one cut-quality estimate) into its record
// (src/controller/job-record-builder.ts) and hands it on as a JobLogEntry on jobs.records (read by
// the job log, the console and the JSON-lines log). With `labels` (a label file, replay), each job's
// label is attached right after the job, by ordinal, with the boardStartUs cross-check.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { jobRecordChannel, type JobLogEntry } from "../../src/store/job-record.ts";
import { cutQualityEstimates, featureRevs, judderEstimates, jobsEnded } from "../../src/controller/channels.ts";
import { JobRecordBuilder, parseLabels } from "../../src/controller/job-record-builder.ts";

export const configSchema = z.object({
  /** Label file (JSON Lines, captures-and-labels.md), relative to the working folder. */
  labels: z.string().min(1).optional(),
});

export default definePlugin(
  {
    name: "job-records",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [featureRevs, jobsEnded, judderEstimates, cutQualityEstimates],
    writes: [jobRecordChannel],
    description: "one record per job: measurements, estimates, labels",
  },
  (ctx, config) => {
    const labels = config.labels ? parseLabels(readFileSync(resolve(config.labels), "utf8"), config.labels) : new Map();
    const out = ctx.channels.writer(jobRecordChannel);
    const m = {
      records: ctx.metrics.counter("records", "job records handed on"),
      refused: ctx.metrics.counter("labelsRefused", "labels refused (boardStartUs mismatch)"),
    };
    const backlog: JobLogEntry[] = [];
    const flush = (): void => {
      while (backlog.length > 0 && out.push(backlog[0])) backlog.shift();
      if (backlog.length > 0) void out.whenWritable().then(flush);
    };
    let refusedSeen = 0;
    const builder = new JobRecordBuilder((entry) => {
      m.records.inc();
      backlog.push(entry);
      flush();
      while (refusedSeen < builder.refused.length) {
        const r = builder.refused[refusedSeen++];
        m.refused.inc();
        ctx.log.warn({ ordinal: r.ordinal }, r.message);
      }
    }, labels);

    const fr = ctx.channels.reader(featureRevs, () => {
      for (let i = fr.next(); i >= 0; i = fr.next()) {
        for (let f = 0; f < cols.length; f++) row[f] = cols[f][i];
        builder.addRow(row);
      }
    });
    const cols = featureRevs.fields.slice(0, 13).map((f) => fr.column(f));
    const row = new Float64Array(cols.length);
    const er = ctx.channels.reader(jobsEnded, () => {
      for (let e = er.shift(); e !== undefined; e = er.shift()) builder.addEnded(e);
    });
    const jr = ctx.channels.reader(judderEstimates, () => {
      for (let e = jr.shift(); e !== undefined; e = jr.shift()) builder.addJudder(e);
    });
    const cr = ctx.channels.reader(cutQualityEstimates, () => {
      for (let e = cr.shift(); e !== undefined; e = cr.shift()) builder.addCutQuality(e);
    });
    return {
      stop() {
        const waiting = builder.waiting();
        if (waiting.length > 0) ctx.log.warn({ waiting }, `stopped with ${waiting.length} job record(s) incomplete`);
      },
    };
  },
);
