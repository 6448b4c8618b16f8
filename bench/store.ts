// Job insert rate of the job log: what the controller does per job (a `running` row at the start,
// then the end in one transaction: the record, 40 revolutions × 60 float64 features, 3 predictions,
// counters), with synchronous=FULL, beside the alternatives in the same run:
//   - the same rows with one transaction per row (autocommit, FULL): what a naive logger does;
//   - one transaction per job with synchronous=NORMAL (WAL): what FULL's extra fsync costs;
//   - the end transaction only (no start row).
// Rounds are interleaved and the best round counts (the machine may be shared). Prints jobs/s and
// ratios to the product's way. The logs live in a temporary folder on the disk of --dir.
// Then the read-back rate for retraining: iterateTrainingJobs (one job and its features at a time)
// beside one streaming query over all features, on a log of --read-jobs jobs.
//   npm run bench:store -- [--jobs N] [--rounds R] [--read-jobs N] [--dir DIR]
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { JobLog, decodeVector, encodeVector, iterateTrainingJobs, type JobLogEntry } from "../src/store/index.ts";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "200" }, rounds: { type: "string", default: "3" }, dir: { type: "string", default: tmpdir() }, "read-jobs": { type: "string", default: "2000" } },
});
const JOBS = Number(values.jobs);
const ROUNDS = Number(values.rounds);
const REVS = 40;
const FEATURES = 60;
const names = Array.from({ length: FEATURES }, (_, i) => `f${i}`);

function entry(n: number, tag: string): JobLogEntry {
  return {
    record: {
      id: `${tag}-${n}`, ordinal: n, boardStartUs: n * 1e6, startedAt: null, status: "complete", reason: null,
      revolutions: { measure: 10, cut: 25, check: 5 }, passes: 1, measured: { rpm: 120, lroPreUm: 45, lroPostUm: 8 },
      judder: { p: 0.3, flag: false, source: "model", modelVersion: "j-1" }, cutQuality: { lroPostUm: 8.5, raUm: 1.4, source: "model", modelVersion: "c-1" },
      alarms: [], labels: null, meta: null, frames: { vib: { ok: 1 }, run: { ok: 1 } },
    },
    features: { namesVersion: 1, names },
    revolutions: Array.from({ length: REVS }, (_, r) => ({ phase: r < 10 ? "measure" : r < 35 ? "cut" : "check", index: r, boardUs: r * 5e5, values: Float64Array.from(names, (_, k) => n + r + k) })),
  };
}

type Variant = (dir: string, jobs: JobLogEntry[]) => void;

const perJob = (withStart: boolean, sync: "FULL" | "NORMAL"): Variant => (dir, jobs) => {
  const log = JobLog.open(join(dir, "log.sqlite"), { owner: true });
  log.db.pragma(`synchronous = ${sync}`);
  for (const e of jobs) {
    if (withStart) log.startJob({ id: e.record.id, ordinal: e.record.ordinal });
    log.endJob(e);
  }
  log.close();
};

const perRow: Variant = (dir, jobs) => {
  const log = JobLog.open(join(dir, "log.sqlite"), { owner: true });
  const db = log.db;
  const job = db.prepare(`INSERT INTO jobs (id, ordinal, logged_at, ended_at, status, passes, rpm, lro_pre_um, lro_post_um) VALUES (?, ?, ?, ?, 'complete', 1, ?, ?, ?)`);
  const feat = db.prepare(`INSERT INTO features (job_id, rev, phase, board_us, names_version, vec) VALUES (?, ?, ?, ?, 1, ?)`);
  const pred = db.prepare(`INSERT INTO predictions (job_id, target, value, model_version, source, time) VALUES (?, ?, ?, ?, 'model', ?)`);
  db.prepare(`INSERT OR IGNORE INTO feature_names (version, names) VALUES (1, ?)`).run(JSON.stringify(names));
  for (const e of jobs) {
    const r = e.record;
    const now = Date.now();
    job.run(r.id, r.ordinal, now, now, r.measured.rpm, r.measured.lroPreUm, r.measured.lroPostUm);
    for (const rev of e.revolutions!) feat.run(r.id, rev.index, rev.phase, rev.boardUs, encodeVector(rev.values));
    pred.run(r.id, "judder", r.judder.p, r.judder.modelVersion, now);
    pred.run(r.id, "lroPostUm", r.cutQuality.lroPostUm, r.cutQuality.modelVersion, now);
    pred.run(r.id, "raUm", r.cutQuality.raUm, r.cutQuality.modelVersion, now);
  }
  log.close();
};

const variants: Array<[string, Variant, number]> = [
  ["start row + end txn, FULL (product)", perJob(true, "FULL"), 1],
  ["end txn only, FULL", perJob(false, "FULL"), 1],
  ["start row + end txn, NORMAL", perJob(true, "NORMAL"), 1],
  ["one txn per row, FULL", perRow, 0.1], // ~45 fsyncs per job: run a tenth of the jobs
];

const fsType = statfsSync(values.dir).type.toString(16);
console.log(`job log insert rate: ${JOBS} jobs × (${REVS} revolutions × ${FEATURES} float64 + 3 predictions), best of ${ROUNDS} interleaved rounds`);
console.log(`folder ${values.dir} (statfs type 0x${fsType}), load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run, share] of variants) {
    const n = Math.max(5, Math.round(JOBS * share));
    const jobs = Array.from({ length: n }, (_, i) => entry(i + 1, `r${round}`));
    const dir = mkdtempSync(join(values.dir, "edgeprop-bench-store-"));
    const t0 = performance.now();
    run(dir, jobs);
    const rate = n / ((performance.now() - t0) / 1000);
    rmSync(dir, { recursive: true, force: true });
    best.set(name, Math.max(best.get(name) ?? 0, rate));
  }
}
const product = best.get(variants[0][0])!;
for (const [name] of variants) {
  const r = best.get(name)!;
  console.log(`${name.padEnd(38)} ${r.toFixed(0).padStart(8)} jobs/s   ${(r / product).toFixed(2)}×`);
}
console.log(`\nper job: ${(1000 / product).toFixed(2)} ms with FULL; a garage logs a job every few minutes.`);

// Read-back for retraining.
const READ = Number(values["read-jobs"]);
const readDir = mkdtempSync(join(values.dir, "edgeprop-bench-store-read-"));
const log = JobLog.open(join(readDir, "log.sqlite"), { owner: true });
log.db.transaction(() => {
  for (let n = 1; n <= READ; n++) log.endJob(entry(n, "read"));
})();
const readBest = { perJob: 0, stream: 0 };
let check = 0;
for (let round = 0; round < ROUNDS; round++) {
  let t0 = performance.now();
  let jobs = 0;
  for (const t of iterateTrainingJobs(log.db)) {
    check += t.revolutions[0].values[0];
    jobs++;
  }
  readBest.perJob = Math.max(readBest.perJob, jobs / ((performance.now() - t0) / 1000));
  t0 = performance.now();
  const seen = new Set<string>();
  for (const r of log.db.prepare(`SELECT job_id, rev, vec FROM features ORDER BY job_id, rev`).iterate() as Iterable<{ job_id: string; rev: number; vec: Buffer }>) {
    check += decodeVector(r.vec)[0];
    seen.add(r.job_id);
  }
  readBest.stream = Math.max(readBest.stream, seen.size / ((performance.now() - t0) / 1000));
}
log.close();
rmSync(readDir, { recursive: true, force: true });
console.log(`\nread-back for retraining, ${READ} jobs × ${REVS} revolutions × ${FEATURES} features (checksum ${check.toExponential(3)}):`);
console.log(`${"iterateTrainingJobs (record + features)".padEnd(38)} ${readBest.perJob.toFixed(0).padStart(8)} jobs/s   1.00×   (10,000 jobs: ${(10_000 / readBest.perJob).toFixed(2)} s)`);
console.log(`${"one streaming query over features".padEnd(38)} ${readBest.stream.toFixed(0).padStart(8)} jobs/s   ${(readBest.stream / readBest.perJob).toFixed(2)}×   (10,000 jobs: ${(10_000 / readBest.stream).toFixed(2)} s)`);
