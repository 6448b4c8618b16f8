// `retrain` from a 10,000-job log with the default settings (epochs, batch, learning rate, holdout
// of src/retrain), timed end to end (reading the log + training the three kinds + scoring +
// saving and registering), beside the same retraining with batch size 1 (single-sample steps, as
// the online learner takes them) in the same run: the ratio is what the core's batch mode buys.
//
// The log: a few jobs replayed for real (simulator captures through the controller's replay
// pipeline with the job-log plugin, so their feature rows, records and labels are the pipeline's),
// then --jobs synthetic jobs made from them: each a copy of a replayed job (in turn) whose feature
// values, measurements and Ra label are multiplied by (1 + 0.05·u), u uniform in [−1, 1]; the
// discrete columns (comp, pass, tool) and the judder label are kept. Replaying 10,000 real jobs
// would take ~10 minutes of simulation, so the rows are synthesised.
//   npm run bench:retrain -- [--jobs N] [--real N] [--dir DIR]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Simulator, writeCaptures } from "../firmware-sim/index.ts";
import { shippedConfig } from "../src/cli/pipeline.ts";
import { withJobLog } from "../src/cli/replay.ts";
import { RETRAIN_DEFAULTS } from "../src/retrain/batch-train.ts";
import { retrain, type RetrainResult } from "../src/retrain/retrain.ts";
import { Host, loadConfigFile } from "../src/runtime/index.ts";
import { JobLog, getJob, iterateTrainingJobs, jobFeatures, type JobLogEntry } from "../src/store/index.ts";

const { values } = parseArgs({ options: { jobs: { type: "string", default: "10000" }, real: { type: "string", default: "12" }, dir: { type: "string", default: tmpdir() } } });
const JOBS = Number(values.jobs);
const REAL = Number(values.real);
const root = mkdtempSync(join(values.dir, "edgeprop-bench-retrain-"));

async function replayInto(caps: string, db: string): Promise<void> {
  const config = await loadConfigFile(shippedConfig("replay.yaml"));
  config.host.dataDir = join(root, "data");
  config.plugins["replay-source"].config = { vib: join(caps, "vib.bin"), run: join(caps, "run.bin") };
  config.plugins["job-records"].config = { labels: join(caps, "labels.jsonl") };
  config.plugins.console.enabled = false;
  config.plugins["jsonl-log"].enabled = false;
  withJobLog(config, db);
  const host = await Host.load(config);
  await host.start();
  while ((host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
  await host.idle();
  await host.stop();
}

function synthesise(real: JobLogEntry[], db: string, n: number): number {
  const log = JobLog.open(db, { owner: true });
  const t0 = performance.now();
  let seed = 12345;
  const u = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 0xffffffff) * 2 - 1;
  };
  const jitter = (v: number | null): number | null => (v === null ? null : v * (1 + 0.05 * u()));
  const names = real[0].features!.names;
  const keep = new Set(["comp", "pass", "tool"].map((f) => names.indexOf(f)));
  const write = log.db.transaction((from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const src = real[k % real.length];
      const r = src.record;
      const labels = r.labels ? { ...r.labels, raUm: jitter(r.labels.raUm) } : null;
      log.endJob({
        record: { ...r, id: `syn-${k}`, ordinal: k + 1, measured: { rpm: r.measured.rpm, lroPreUm: jitter(r.measured.lroPreUm), lroPostUm: jitter(r.measured.lroPostUm) }, labels },
        features: src.features,
        revolutions: src.revolutions!.map((rev) => ({ ...rev, values: Float64Array.from(rev.values, (v, i) => (keep.has(i) ? v : v * (1 + 0.05 * u()))) })),
      });
    }
  });
  for (let k = 0; k < n; k += 500) write(k, Math.min(n, k + 500));
  log.close();
  return (performance.now() - t0) / 1000;
}

function timed(db: string, batchSize: number, stamp: string): { seconds: number; result: RetrainResult } {
  const log = JobLog.open(db);
  try {
    const t0 = performance.now();
    const result = retrain(log, { batchSize, stamp });
    return { seconds: (performance.now() - t0) / 1000, result };
  } finally {
    log.close();
  }
}

try {
  const caps = join(root, "caps");
  writeCaptures(new Simulator({ scenario: "mixed", jobs: REAL, seed: 11, keepRevolutions: false }), caps);
  const realDb = join(root, "real.sqlite");
  await replayInto(caps, realDb);
  const realLog = JobLog.open(realDb);
  const real: JobLogEntry[] = [];
  for (const { job } of iterateTrainingJobs(realLog.db)) {
    const revs = jobFeatures(realLog.db, job.id);
    if (revs.length === 0) continue;
    const { session, loggedAt, endedAt, ...record } = getJob(realLog.db, job.id)!;
    real.push({ record: record as JobLogEntry["record"], features: { namesVersion: revs[0].namesVersion, names: realLog.featureNames(revs[0].namesVersion)! }, revolutions: revs });
  }
  realLog.close();
  const db = join(root, "log.sqlite");
  const insertS = synthesise(real, db, JOBS);
  const revsPerJob = real.reduce((a, e) => a + e.revolutions!.length, 0) / real.length;
  console.log(`log: ${JOBS.toLocaleString("en-US")} jobs synthesised from ${real.length} replayed jobs (${revsPerJob.toFixed(1)} revolutions each on average) in ${insertS.toFixed(1)} s`);
  console.log(`defaults: epochs ${RETRAIN_DEFAULTS.epochs}, batch ${RETRAIN_DEFAULTS.batchSize}, learning rate ${RETRAIN_DEFAULTS.learningRate}, holdout the newest 20 %; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
  const runs = [
    { name: `retrain, defaults (batch ${RETRAIN_DEFAULTS.batchSize})`, ...timed(db, RETRAIN_DEFAULTS.batchSize, "bench-a") },
    { name: "same, batch 1 (single-sample steps)", ...timed(db, 1, "bench-b") },
  ];
  const base = runs[0].seconds;
  console.log(`| variant | total s | read s | train s per kind (samples) | ratio |`);
  console.log(`|---|---|---|---|---|`);
  for (const r of runs) {
    const kinds = r.result.kinds.map((k) => `${k.kind} ${k.trainSeconds.toFixed(2)} (${k.train})`).join(", ");
    console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.result.readSeconds.toFixed(2)} | ${kinds} | ${(r.seconds / base).toFixed(2)}× |`);
  }
  console.log(`\nholdout scores (defaults run): ${runs[0].result.kinds.map((k) => `${k.kind} ${k.newScore?.metric} ${k.newScore?.value.toFixed(4)} vs active ${k.active?.score?.value.toFixed(4)} → ${k.promoted ? "promoted" : "kept"}`).join("; ")}`);
  console.log(`target: ≤ 10 s for 10,000 jobs with the defaults: ${JOBS === 10000 ? (base <= 10 ? "met" : "MISSED") : "(not 10,000 jobs)"}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
