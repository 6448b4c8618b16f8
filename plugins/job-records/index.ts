// job-records: joins what the pipeline says about each job (features.revs up to its END, the
// tracker's summary, one judder and one cut-quality estimate) into its record
// (src/controller/job-record-builder.ts) and hands it on as a JobLogEntry on jobs.records (read by
// the job log, the console and the JSON-lines log). With `labels` (a label file, replay), each job's
// label is attached right after the job, by ordinal, with the boardStartUs cross-check.
// Each entry also carries the job's per-revolution features (ok revolutions with a phase: lroUm,
// rpm, wanderUm, the vib_* features, then comp, pass, tool; names version 2) for the job log, as
// views of a preallocated pool (nothing allocated per revolution; the views are made once per job).
// comp/pass/tool are what the learners' per-job inputs need besides the measurements (which
// measure revolutions were compensated, the pass, where the tool was), so `retrain` rebuilds the
// same inputs from the log.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { jobRecordChannel, type JobLogEntry, type RevolutionFeatures } from "../../src/store/job-record.ts";
import { cutQualityEstimates, featureRevs, judderEstimates, jobsEnded, StreamKind } from "../../src/controller/channels.ts";
import { Row } from "../../src/controller/revolution-assembler.ts";
import { JobRecordBuilder, parseLabels } from "../../src/controller/job-record-builder.ts";

export const configSchema = z.object({
  /** Label file (JSON Lines, captures-and-labels.md), relative to the working folder. */
  labels: z.string().min(1).optional(),
  /** Hand each job's per-revolution features to the job log. */
  revolutionFeatures: z.boolean().default(true),
  /** Revolutions kept per job (a real-length cut has ~600). */
  maxRevolutions: z.number().int().min(16).max(8192).default(2048),
});

/** Stored per revolution: these, then the vib_* fields of features.revs, then STORED_TAIL. */
const STORED_META = ["lroUm", "rpm", "wanderUm"] as const;
const STORED_TAIL = ["comp", "pass", "tool"] as const;
/** Layout version of the stored vector (1: without STORED_TAIL; 2: without the ph_* phasors).
 *  A log keeps the names of each version it has seen, so a new layout needs a new number. */
const NAMES_VERSION = 3;
const PHASE_NAMES = ["idle", "measure", "cut", "check"] as const;

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
    // Per-revolution features: a pool of rows twice the per-job cap, used as a ring.
    const firstVib = featureRevs.fields.indexOf("vib_rpm");
    const fieldIndex = (f: string): number => featureRevs.fields.indexOf(f);
    const storedFields = [...STORED_META.map(fieldIndex), ...featureRevs.fields.slice(firstVib).map((_, i) => firstVib + i), ...STORED_TAIL.map(fieldIndex)];
    const names = [...STORED_META, ...featureRevs.fields.slice(firstVib), ...STORED_TAIL];
    const width = storedFields.length;
    const poolRows = 2 * config.maxRevolutions;
    const pool = new Float64Array(config.revolutionFeatures ? poolRows * width : 0);
    const meta = { phase: new Uint8Array(poolRows), t: new Float64Array(poolRows) };
    const cur = new Float64Array(4); // [ordinal, first pool row, count, next pool row]
    const revsByJob = new Map<number, RevolutionFeatures[]>();
    const keepRevolution = (slot: number): void => {
      if (c.ordinal[slot] !== cur[0] || cur[2] >= config.maxRevolutions) return;
      const phase = c.phase[slot];
      if (c.ok[slot] !== 1 || phase < 1) return;
      const r = cur[3] % poolRows;
      const base = r * width;
      for (let f = 0; f < width; f++) pool[base + f] = all[storedFields[f]][slot];
      meta.phase[r] = phase;
      meta.t[r] = c.t[slot];
      cur[3]++;
      cur[2]++;
    };
    const endRevolutions = (ordinal: number): void => {
      if (ordinal !== cur[0]) return;
      const list: RevolutionFeatures[] = [];
      for (let i = 0; i < cur[2]; i++) {
        const r = (cur[1] + i) % poolRows;
        list.push({ phase: PHASE_NAMES[meta.phase[r]] as RevolutionFeatures["phase"], index: i, boardUs: meta.t[r], values: pool.subarray(r * width, (r + 1) * width) });
      }
      revsByJob.set(ordinal, list);
    };

    let refusedSeen = 0;
    const builder = new JobRecordBuilder((entry) => {
      m.records.inc();
      const revolutions = revsByJob.get(entry.record.ordinal);
      revsByJob.delete(entry.record.ordinal);
      if (revolutions) {
        entry.revolutions = revolutions;
        entry.features = { namesVersion: NAMES_VERSION, names };
      }
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
        if (config.revolutionFeatures) {
          const kind = c.kind[i];
          if (kind === StreamKind.REV) keepRevolution(i);
          else if (kind === StreamKind.START) {
            cur[0] = c.ordinal[i];
            cur[1] = cur[3] % poolRows;
            cur[2] = 0;
          } else if (kind === StreamKind.END) endRevolutions(c.ordinal[i]);
        }
        builder.addRow(row);
      }
    });
    const all = featureRevs.fields.map((f) => fr.column(f));
    const cols = all.slice(0, 13);
    const row = new Float64Array(cols.length);
    const c = { kind: all[Row.kind], ordinal: all[Row.ordinal], t: all[Row.t], phase: all[Row.phase], ok: all[Row.ok] };
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
