// bench:prior-rates: how fast a learner started from a prior should learn. A prior is trained like
// train:prior (in memory, not shipped), then scored on evaluation seeds frozen and learning online at
// several fine-tuning rates (priorLearningRate), side by side in the same run. --modern-only trains
// the prior on the first half of the fleet-shift runs only ("modern" cars), so it is partly wrong
// for the mixed fleet it is scored on: the case where online learning has to correct it.
//
//   npm run bench:prior-rates                                      # prior on 1001–1040 (as shipped), scored on 1–5
//   npx tsx bench/prior-rates.ts --train=1001-1004 --modern-only   # a partly wrong prior
//   npx tsx bench/prior-rates.ts --eval=6-10 --rates=0.003,0.0003
//
// Last, for the shipped prior (models/prior/) learning at its defaults: how many labels each run's
// learners took without the prior's trust (priorTrust), i.e. at the full learning rate.
//
// Replays come from bench/out/eval-cache (made on first use, ~1 min per run of 600 jobs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedReplayScenario, samplesFromReplay } from "../src/cli/eval-dataset.ts";
import { evaluate } from "../src/learn/evaluate.ts";
import { saveOnlineModel } from "../src/learn/model-store.ts";
import { CutQualityLearner, JudderLearner, judderModelOptions, MODEL_KINDS, raModelOptions } from "../src/learn/learners.ts";
import { loadPrior } from "../src/learn/prior.ts";
import { trainPrior } from "./prior-training.ts";
import type { JobSample } from "../src/learn/job-sample.ts";

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def;
const range = (s: string) => s.split("-").map(Number) as [number, number];
const [train0, train1] = range(arg("train", "1001-1040"));
const [eval0, eval1] = range(arg("eval", "1-5"));
const rates = arg("rates", "0.003,0.001,0.0003,0.0001").split(",").map(Number);
const modernOnly = process.argv.includes("--modern-only");
const epochs = Number(arg("epochs", "60"));
const cache = "bench/out/eval-cache";
if (train0 <= 100) throw new Error("prior-rates: train on seeds above 100 (1–100 are evaluation seeds)");

async function runs(scenario: string, a: number, b: number): Promise<JobSample[][]> {
  const out: JobSample[][] = [];
  for (let seed = a; seed <= b; seed++) out.push(samplesFromReplay(await cachedReplayScenario(scenario, 600, seed, cache)));
  return out;
}

// The prior, trained as bench/train-prior.ts trains it (bench/prior-training.ts).
const train: JobSample[] = [];
for (const scenario of modernOnly ? ["fleet-shift"] : ["mixed", "fleet-shift"]) {
  for (const run of await runs(scenario, train0, train1)) train.push(...(modernOnly ? run.filter((s) => s.ordinal <= 300) : run));
}
const dir = mkdtempSync(join(tmpdir(), "edgeprop-prior-rates-"));
const files = { judder: join(dir, "judder.epnn"), ra: join(dir, "ra.epnn") };
for (const kind of [MODEL_KINDS.judder, MODEL_KINDS.ra] as const) {
  const r = trainPrior(kind, train, epochs, `prior-rates-${kind}`);
  saveOnlineModel(r.model, files[kind]);
  process.stdout.write(`prior ${kind}: ${r.labels} labels (seeds ${train0}–${train1}${modernOnly ? ", modern half of fleet-shift only" : ""}), last-epoch loss ${r.lastEpochLoss.toFixed(4)}\n`);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const f3 = (v: number) => v.toFixed(3);
for (const scenario of ["mixed", "fleet-shift"]) {
  const evalRuns = await runs(scenario, eval0, eval1);
  const row = (name: string, opts: Parameters<typeof evaluate>[1]) => {
    const r = evalRuns.map((samples, i) => evaluate(samples, { seed: eval0 + i, hindsight: false, priors: files, ...opts }));
    process.stdout.write(`  ${name.padEnd(28)} judder AUC ${f3(mean(r.map((x) => x.judder.model.auc)))}   Ra MAE ${f3(mean(r.map((x) => x.ra.model)))} µm   rollbacks ${mean(r.map((x) => x.rollbacks.length)).toFixed(1)}/run\n`);
  };
  process.stdout.write(`${scenario}, 600 jobs, mean of seeds ${eval0}–${eval1}:\n`);
  row("prior frozen", { frozen: true });
  for (const rate of rates) row(`online, priorLearningRate ${rate}`, { judder: { priorLearningRate: rate }, cutQuality: { priorLearningRate: rate } });
  row("from scratch (rule while cold)", { priors: undefined });
}

process.stdout.write("shipped prior (models/prior/), labels learned without its trust (at the full rate) per run:\n");
for (const scenario of ["mixed", "fleet-shift"]) {
  const counts: string[] = [];
  for (const samples of await runs(scenario, eval0, eval1)) {
    const judder = new JudderLearner({}, undefined, loadPrior("models/prior/judder.epnn", judderModelOptions()));
    const cut = new CutQualityLearner({}, {}, { ra: loadPrior("models/prior/ra.epnn", raModelOptions()) });
    const n = { judder: 0, judderOff: 0, ra: 0, raOff: 0 };
    for (const s of samples) {
      if (!s.inputs) continue;
      judder.observe(s.inputs);
      cut.observe(s.inputs);
      if (judder.learn(s.inputs, s.labels, s.lroPreUm)) {
        n.judder++;
        if (!judder.model.priorTrusted) n.judderOff++;
      }
      if (cut.learn(s.inputs, s.labels, s.lroPostUm).ra) {
        n.ra++;
        if (!cut.ra.priorTrusted) n.raOff++;
      }
    }
    counts.push(`judder ${n.judderOff}/${n.judder}, Ra ${n.raOff}/${n.ra}`);
  }
  process.stdout.write(`  ${scenario}, seeds ${eval0}–${eval1}: ${counts.join("; ")}\n`);
}
rmSync(dir, { recursive: true, force: true });
