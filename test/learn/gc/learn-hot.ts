// GC child script (test/support/gc-count.ts): the per-job estimate step in steady state: JobInputs
// over a job's revolutions, then for each model observe → predictInto (the estimate before the
// label). args[0] = "predict" (must allocate nothing), "copy" (the allocating control: copies the
// inputs into a fresh array per job, as a careless plugin would), "learn-plain" (also learnFrom,
// without replay steps and guard), "learn" (learnFrom with replay and the rollback guard: must
// allocate nothing either) or "learn-prior" (the same with models started from a prior, on coin-flip
// labels with priorTrust 1: their running losses, close to the base rate's, keep switching the
// learning rate).
import { featureRevs, REV_META_FIELDS, StreamKind } from "../../../src/controller/channels.ts";
import { JobInputs, INPUT_NAMES } from "../../../src/learn/job-inputs.ts";
import { OnlineModel } from "../../../src/learn/online-model.ts";

const JOBS = 2000;
const WARM_UP = 4000;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "predict";
  const width = featureRevs.fields.length;
  // 64 synthetic jobs: START, 5 measure and 18 cut revolutions each, features random positives
  // (varied, so every input has a gradient, as with real jobs).
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const VARIANTS = 64;
  const rows: Float64Array[] = [];
  const mk = (kind: number, phase: number, tool: number, k: number) => {
    const r = new Float64Array(width);
    r[0] = kind; r[1] = 1; r[4] = phase; r[5] = 1; r[6] = 1; r[7] = tool; r[8] = 1; r[9] = 20 + 80 * rnd(); r[10] = 150; r[11] = rnd();
    for (let f = REV_META_FIELDS.length; f < width; f++) r[f] = 0.001 + 0.01 * rnd();
    return r;
  };
  const PER_JOB = 24;
  for (let v = 0; v < VARIANTS; v++) {
    rows.push(mk(StreamKind.START, 0, 0, 0));
    for (let k = 0; k < 5; k++) rows.push(mk(StreamKind.REV, 1, 0, k));
    for (let k = 0; k < 18; k++) rows.push(mk(StreamKind.REV, 2, k * 2, k));
  }
  const acc = new JobInputs();
  // "learn-plain": learning without replay steps and without the rollback guard.
  const plain = mode === "learn-plain" ? { replaySteps: 0, rollback: false } : mode === "learn-prior" ? { priorTrust: 1 } : {};
  const coins = Float64Array.from({ length: 997 }, () => (rnd() < 0.5 ? 1 : 0));
  const models = [
    new OnlineModel({ kind: "judder", inputs: INPUT_NAMES, task: "binary", minLabels: 5, ...plain }),
    new OnlineModel({ kind: "residual-runout", inputs: INPUT_NAMES, task: "regression", minLabels: 5, ...plain }),
    // As the Ra network: a regression on ln t.
    new OnlineModel({ kind: "ra", inputs: INPUT_NAMES, task: "regression", targetScale: "log", minLabels: 5, ...plain }),
  ];
  const learning = mode === "learn" || mode === "learn-plain" || mode === "learn-prior";
  if (mode === "learn-prior") for (const m of models) m.origin = "prior-gc";
  let switches = 0;
  const sink = new Float64Array(2);
  const target = new Float64Array(1);
  const step = (j: number) => {
    const base = (j % VARIANTS) * PER_JOB;
    for (let r = base; r < base + PER_JOB; r++) acc.add(rows[r]);
    const x = acc.finish();
    const inputs: ArrayLike<number> = mode === "copy" ? Array.from(x) : x;
    const lro = x[0];
    for (let m = 0; m < models.length; m++) {
      if (!learning) {
        models[m].observe(inputs);
        models[m].predictInto(inputs, sink, 1);
        continue;
      }
      models[m].observe(inputs);
      models[m].predictInto(inputs, sink, 1);
      sink[0] += sink[1];
      if (mode === "learn-prior") target[0] = coins[(j * 3 + m) % coins.length] + (m === 2 ? 0.5 : 0);
      else target[0] = m === 0 ? (lro >= 50 ? 1 : 0) : m === 1 ? 0.1 * lro : 0.5 + 0.01 * lro;
      const trusted = models[m].priorTrusted;
      models[m].learnFrom(inputs, target, 0);
      if (models[m].priorTrusted !== trusted) switches++;
    }
  };
  for (let j = 0; j < WARM_UP; j++) step(j);
  switches = 0;
  return () => {
    for (let j = 0; j < JOBS; j++) step(j);
    if (!(sink[0] === sink[0])) throw new Error("NaN estimate");
    if (mode === "learn-prior") console.log(`trust switches: ${switches}`);
    const rollbacks = models.reduce((n, m) => n + m.rollbacks, 0);
    if (rollbacks > 0) console.log(`rollbacks: ${rollbacks}`);
  };
}
