// `edgeprop retrain [--since DATE] [--epochs N] [--db FILE] …`: mini-batch retraining of the
// learners (judder, residual runout, Ra) from the job log (src/retrain), with a progress bar and
// ETA on stderr. For each kind it prints the new model's and the active model's holdout scores and
// whether the new one was promoted; every new model is registered with its metrics either way.
import { parseArgs } from "node:util";
import { StoreError, StoreErrorCodes, type JobLog } from "../store/index.ts";
import { RETRAIN_DEFAULTS } from "../retrain/batch-train.ts";
import type { Score } from "../retrain/holdout.ts";
import { KINDS, type ModelKind } from "../retrain/log-samples.ts";
import { ProgressBar, type ProgressStream } from "../retrain/progress.ts";
import { retrain, type KindResult, type RetrainResult } from "../retrain/retrain.ts";
import { dbOptions, failure, openLog, type Output } from "./store-open.ts";

const USAGE = `usage: edgeprop retrain [--since YYYY-MM-DD] [--epochs N] [--db FILE] [options]

  --since DATE        only jobs logged on or after this local day (default: all)
  --epochs N          passes over the training jobs (default ${RETRAIN_DEFAULTS.epochs})
  --batch N           mini-batch size (default ${RETRAIN_DEFAULTS.batchSize})
  --learning-rate X   Adam learning rate (default ${RETRAIN_DEFAULTS.learningRate})
  --holdout PCT       the newest PCT % of the labelled jobs score the models (default 20)
  --kind K            judder | residual-runout | ra (repeatable; default all three)
  --model-dir DIR     the learner plugins' modelDir: a promoted model is also saved there as <kind>.epnn
  --seed S            shuffling seed (default 1)
  --json              the result as JSON on stdout
  --db FILE           the job log (default: the garage's log)
`;

function positiveInt(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new StoreError(StoreErrorCodes.BAD_INPUT, `--${name} must be a whole number ≥ ${min}, got '${v}'`);
  return x;
}

function positive(name: string, v: string | undefined, dflt: number, max = Infinity): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!(x > 0 && x < max)) throw new StoreError(StoreErrorCodes.BAD_INPUT, `--${name} must be a number > 0${max < Infinity ? ` and < ${max}` : ""}, got '${v}'`);
  return x;
}

/** Local midnight of YYYY-MM-DD, epoch ms. */
function sinceOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const t = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new StoreError(StoreErrorCodes.BAD_INPUT, `--since must be a day as YYYY-MM-DD, got '${v}'`);
  return t;
}

function fmt(s: Score | null): string {
  if (!s || !(s.value === s.value)) return "n/a";
  const main = s.metric === "logLoss" ? `log loss ${s.value.toFixed(4)}` : `MAE ${s.value.toFixed(3)} µm`;
  const extra = s.auc !== undefined ? `, AUC ${Number.isFinite(s.auc) ? s.auc.toFixed(3) : "n/a"}, accuracy ${Number.isFinite(s.accuracy!) ? (100 * s.accuracy!).toFixed(1) : "n/a"} %` : "";
  return `${main}${extra} (n=${s.n})`;
}

function report(r: KindResult): string {
  if (r.skipped) return `${r.kind}: not retrained: ${r.skipped}\n`;
  return (
    `${r.kind}: ${r.samples} labelled jobs, trained on the oldest ${r.train}, holdout the newest ${r.holdout} (${r.trainSeconds.toFixed(2)} s)\n` +
    `  new    ${r.version}: ${fmt(r.newScore)}\n` +
    `  active ${r.active!.what}: ${fmt(r.active!.score)}\n` +
    `  → ${r.promoted ? `PROMOTED: ${r.version} is now the active ${r.kind} model` : `not promoted (registered as ${r.version}); the active model stays`}\n`
  );
}

export async function runRetrain(argv: string[], out: Output = process.stdout, err: Output & ProgressStream = process.stderr): Promise<number> {
  let log: JobLog | null = null;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...dbOptions, since: { type: "string" }, epochs: { type: "string" }, batch: { type: "string" }, "learning-rate": { type: "string" },
        holdout: { type: "string" }, kind: { type: "string", multiple: true }, "model-dir": { type: "string" }, seed: { type: "string" },
        json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      out.write(USAGE);
      return 0;
    }
    if (positionals.length > 0) {
      err.write(`edgeprop retrain: unexpected '${positionals[0]}'\n${USAGE}`);
      return 2;
    }
    const kinds = (values.kind ?? [...KINDS]) as ModelKind[];
    const unknown = kinds.find((k) => !KINDS.includes(k));
    if (unknown) throw new StoreError(StoreErrorCodes.BAD_INPUT, `--kind must be one of ${KINDS.join(", ")}, got '${unknown}'`);
    const opts = {
      since: sinceOf(values.since),
      epochs: positiveInt("epochs", values.epochs, RETRAIN_DEFAULTS.epochs),
      batchSize: positiveInt("batch", values.batch, RETRAIN_DEFAULTS.batchSize),
      learningRate: positive("learning-rate", values["learning-rate"], RETRAIN_DEFAULTS.learningRate, 1),
      holdoutPercent: positive("holdout", values.holdout, 20, 100),
      seed: positiveInt("seed", values.seed, RETRAIN_DEFAULTS.seed, 0),
      kinds,
      modelDir: values["model-dir"],
    };
    log = openLog(values, err);
    const bars: Partial<Record<"read" | "train", ProgressBar>> = {};
    const result: RetrainResult = retrain(log, {
      ...opts,
      onProgress: (phase, done, total) => {
        if (phase === "train" && bars.read) bars.read.finish();
        const bar = (bars[phase] ??= new ProgressBar(err, phase === "read" ? "retrain: reading jobs " : "retrain: training     ", total));
        bar.update(done);
        if (done >= total) bar.finish();
      },
    });
    bars.read?.finish();
    bars.train?.finish();
    if (values.json) {
      out.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    out.write(`retrain: ${result.jobs} job(s) read from ${log.file} in ${result.readSeconds.toFixed(2)} s` +
      `${result.noFeatures ? `; ${result.noFeatures} without stored features (skipped)` : ""}` +
      `${result.partialLayout ? `; ${result.partialLayout} logged before the tool/pass columns were stored (their rule inputs are missing)` : ""}\n`);
    out.write(`epochs ${opts.epochs}, batch ${opts.batchSize}, learning rate ${opts.learningRate}, holdout the newest ${opts.holdoutPercent} %\n`);
    for (const r of result.kinds) out.write(report(r));
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === "string" && code.startsWith("EP_ERR_CORE")) {
      err.write(`edgeprop retrain: ${code} ${(e as Error).message}\n`);
      return 1;
    }
    return failure("retrain", e, err);
  } finally {
    log?.close();
  }
}
