// The training set of `retrain`, read from the job log: per job, the learners' own per-job inputs
// (src/learn/job-inputs.ts, fed the job's stored revolutions as features.revs rows, exactly what
// the judder / cut-quality plugins see live up to the job's last cut end) and the targets the
// online learners are taught (src/learn/learners.ts, targets.ts):
//   judder           judderTarget(labels, lroPreUm)
//   residual-runout  lroPostUm − c_lro_rule (the network learns the correction to the rule)
//   ra               raTarget(labels)
// Jobs come oldest first (iterateTrainingJobs), so a sample set's order is time order.
//
// The stored vector's layout is looked up by name (feature_names). Logs written before names
// version 2 lack comp/pass/tool: those rows are read with comp = 1, pass = 0, tool unknown (so the
// rule-based inputs c_lro_rule / c_lro_in are missing, NaN) and counted in `partialLayout`.
import type Database from "better-sqlite3";
import { featureRevs, REV_META_FIELDS, StreamKind } from "../controller/channels.ts";
import { LatheState } from "../protocol/frames.ts";
import { INPUT_INDEX, INPUT_NAMES, JobInputs } from "../learn/job-inputs.ts";
import { MODEL_KINDS } from "../learn/learners.ts";
import { judderTarget, raTarget, residualTarget } from "../learn/targets.ts";
import { iterateTrainingJobs, type StoredRevolution, type TrainingJob } from "../store/index.ts";

export type ModelKind = (typeof MODEL_KINDS)[keyof typeof MODEL_KINDS];
export const KINDS: readonly ModelKind[] = [MODEL_KINDS.judder, MODEL_KINDS.residual, MODEL_KINDS.ra];

/** One kind's samples in time order: inputs (raw, INPUT_NAMES layout) row-major, and targets. */
export interface SampleSet {
  kind: ModelKind;
  jobIds: string[];
  /** n × INPUT_NAMES.length, raw inputs. */
  x: Float64Array[];
  t: number[];
  /** Judder only: the job's LRO before the cut as the inputs hold it (m_lro_med), for the rule. */
  lroPre: Array<number | null>;
}

export interface LogSamples {
  sets: Record<ModelKind, SampleSet>;
  /** Jobs read (complete, with a label or a measured post-cut runout). */
  jobs: number;
  /** Jobs without a stored revolution (no inputs: skipped). */
  noFeatures: number;
  /** Jobs whose stored layout lacks comp/pass/tool (logged before names version 2). */
  partialLayout: number;
}

const PHASE: Record<StoredRevolution["phase"], number> = { measure: LatheState.MEASURE, cut: LatheState.CUT, check: LatheState.CHECK };
const ROW = featureRevs.fields;
const META = Object.fromEntries(REV_META_FIELDS.map((f, i) => [f, i])) as Record<(typeof REV_META_FIELDS)[number], number>;

/** For a stored layout (names): per features.revs column, the stored index or −1. */
function columnMap(names: readonly string[]): Int32Array {
  const at = new Map(names.map((n, i) => [n, i]));
  return Int32Array.from(ROW, (f) => at.get(f) ?? -1);
}

/** Builds one job's inputs from its stored revolutions; null when it has none. */
export class LogInputBuilder {
  private readonly acc = new JobInputs();
  private readonly row = new Float64Array(ROW.length);
  private readonly maps = new Map<number, Int32Array>();
  partial = false;

  constructor(private readonly namesOf: (version: number) => readonly string[] | null) {}

  private map(version: number): Int32Array {
    let m = this.maps.get(version);
    if (!m) {
      const names = this.namesOf(version);
      if (!names) throw new Error(`the job log has revolutions of feature layout ${version} but no names for it`);
      this.maps.set(version, (m = columnMap(names)));
    }
    return m;
  }

  build(revolutions: readonly StoredRevolution[]): Float64Array | null {
    if (revolutions.length === 0) return null;
    const row = this.row;
    row.fill(Number.NaN);
    row[META.kind] = StreamKind.START;
    row[META.ordinal] = 1;
    this.acc.add(row);
    this.partial = false;
    for (const r of revolutions) {
      const m = this.map(r.namesVersion);
      for (let c = 0; c < ROW.length; c++) row[c] = m[c] >= 0 ? r.values[m[c]] : Number.NaN;
      row[META.kind] = StreamKind.REV;
      row[META.ordinal] = 1;
      row[META.ok] = 1;
      row[META.phase] = PHASE[r.phase];
      row[META.t] = r.boardUs;
      if (m[META.comp] < 0) {
        this.partial = true;
        row[META.comp] = 1;
        row[META.pass] = 0;
      }
      this.acc.add(row);
    }
    return Float64Array.from(this.acc.finish());
  }
}

function emptySet(kind: ModelKind): SampleSet {
  return { kind, jobIds: [], x: [], t: [], lroPre: [] };
}

/** What one job teaches each learner (NaN: nothing). Mirrors JudderLearner / CutQualityLearner.learn. */
export function jobTargets(x: Float64Array, job: TrainingJob["job"]): Record<ModelKind, number> {
  const rule = x[INPUT_INDEX.c_lro_rule];
  const base = rule === rule ? rule : 0;
  return {
    [MODEL_KINDS.judder]: judderTarget(job.labels, job.measured.lroPreUm),
    [MODEL_KINDS.residual]: residualTarget(job.measured.lroPostUm) - base,
    [MODEL_KINDS.ra]: raTarget(job.labels),
  } as Record<ModelKind, number>;
}

/** Reads the training samples of every kind from the log (jobs logged at or after `since`, epoch ms). */
export function readLogSamples(db: Database.Database, opts: { since?: number; onJob?: (n: number) => void } = {}): LogSamples {
  const namesOf = db.prepare(`SELECT names FROM feature_names WHERE version = ?`).pluck();
  const builder = new LogInputBuilder((v) => {
    const t = namesOf.get(v) as string | undefined;
    return t === undefined ? null : (JSON.parse(t) as string[]);
  });
  const sets = Object.fromEntries(KINDS.map((k) => [k, emptySet(k)])) as Record<ModelKind, SampleSet>;
  let jobs = 0;
  let noFeatures = 0;
  let partialLayout = 0;
  for (const { job, revolutions } of iterateTrainingJobs(db, { since: opts.since })) {
    jobs++;
    opts.onJob?.(jobs);
    const x = builder.build(revolutions);
    if (!x) {
      noFeatures++;
      continue;
    }
    if (builder.partial) partialLayout++;
    const targets = jobTargets(x, job);
    for (const kind of KINDS) {
      const t = targets[kind];
      if (!Number.isFinite(t)) continue;
      const s = sets[kind];
      s.jobIds.push(job.id);
      s.x.push(x);
      s.t.push(t);
      const lro = x[INPUT_INDEX.m_lro_med];
      s.lroPre.push(lro === lro ? lro : null);
    }
  }
  return { sets, jobs, noFeatures, partialLayout };
}

export { INPUT_NAMES };
