// `edgeprop eval`: prequential evaluation of the online learners over captures with labels or a
// simulator scenario, beside the rule, a vibration-RMS threshold and the same network trained
// offline in hindsight (k-fold, held-out only). Writes a Markdown report and an SVG plot
// (--report DIR, default ./reports); --json prints the figures as one JSON object on stdout.
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { evaluate, windowAuc } from "../learn/evaluate.ts";
import { markdownReport, runningMetrics, runningSvg, summaryJson } from "../learn/report.ts";
import { samplesFromCaptures, samplesFromScenario } from "./eval-dataset.ts";
import { scenarioCeiling, type Ceiling } from "./eval-ceiling.ts";

const USAGE = `usage: edgeprop eval (--vib FILE --run FILE --labels FILE | --dir DIR | --scenario NAME [--jobs N] [--seed S])
                    [--report DIR] [--json] [--folds K] [--epochs E] [--threshold P] [--no-hindsight] [--prior DIR]

  --vib/--run/--labels   captures and their label file (JSON Lines); --dir DIR = DIR/vib.bin, run.bin, labels.jsonl
  --scenario NAME        simulate NAME (firmware-sim scenarios) with --jobs (default 200) and --seed (default 1)
  --report DIR           where the Markdown report and SVG go (default ./reports)
  --json                 print the figures as JSON on stdout
  --folds K, --epochs E  hindsight network: K-fold (default 5), E passes (default 30); --no-hindsight skips it
  --threshold P          flag threshold (default 0.5)
  --prior DIR            the judder and Ra learners start from the prior models in DIR (judder.epnn, ra.epnn;
                         the shipped one, as the shipped configs use it: models/prior); default: from scratch
`;

export async function runEval(argv: string[]): Promise<number> {
  let a;
  try {
    a = parseArgs({
      args: argv,
      options: {
        vib: { type: "string" }, run: { type: "string" }, labels: { type: "string" }, dir: { type: "string" },
        scenario: { type: "string" }, jobs: { type: "string", default: "200" }, seed: { type: "string", default: "1" },
        report: { type: "string", default: "reports" }, json: { type: "boolean", default: false },
        folds: { type: "string", default: "5" }, epochs: { type: "string", default: "30" }, threshold: { type: "string", default: "0.5" },
        "no-hindsight": { type: "boolean", default: false }, prior: { type: "string" }, help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`edgeprop eval: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (a.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const num = (name: string, v: string, min: number, integer = true): number | null => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      process.stderr.write(`edgeprop eval: --${name} must be ${integer ? "an integer" : "a number"} ≥ ${min}, got '${v}'\n`);
      return null;
    }
    return n;
  };
  const jobs = num("jobs", a.jobs!, 1);
  const seed = num("seed", a.seed!, 0);
  const folds = num("folds", a.folds!, 2);
  const epochs = num("epochs", a.epochs!, 1);
  const threshold = num("threshold", a.threshold!, 0, false);
  if (jobs === null || seed === null || folds === null || epochs === null || threshold === null) return 2;

  let name: string;
  let load: () => ReturnType<typeof samplesFromCaptures>;
  let ceilingOf: ((s: Awaited<ReturnType<typeof samplesFromCaptures>>) => Ceiling) | null = null;
  if (a.scenario) {
    name = `${a.scenario}-${jobs}-seed${seed}`;
    const scenario = a.scenario;
    load = () => samplesFromScenario(scenario, jobs, seed);
    ceilingOf = (s) => scenarioCeiling(scenario, jobs, seed, s);
  } else {
    const vib = a.vib ?? (a.dir ? join(a.dir, "vib.bin") : undefined);
    const run = a.run ?? (a.dir ? join(a.dir, "run.bin") : undefined);
    const labels = a.labels ?? (a.dir ? join(a.dir, "labels.jsonl") : undefined);
    if (!vib || !run || !labels) {
      process.stderr.write(`edgeprop eval: give --scenario NAME, or --vib, --run and --labels (or --dir DIR)\n\n${USAGE}`);
      return 2;
    }
    for (const [what, f] of [["--vib", vib], ["--run", run], ["--labels", labels]] as const) {
      if (!existsSync(f)) {
        process.stderr.write(`edgeprop eval: ${what} ${f}: no such file\n`);
        return 2;
      }
    }
    name = "captures";
    load = () => samplesFromCaptures({ vib, run, labels });
  }
  const priors = a.prior ? { judder: resolve(a.prior, "judder.epnn"), ra: resolve(a.prior, "ra.epnn") } : undefined;
  for (const f of priors ? [priors.judder, priors.ra] : []) {
    if (!existsSync(f)) {
      process.stderr.write(`edgeprop eval: --prior ${f}: no such file\n`);
      return 2;
    }
  }
  let samples;
  try {
    samples = await load();
  } catch (e) {
    process.stderr.write(`edgeprop eval: ${(e as Error).message}\n`);
    return 1;
  }
  let result;
  try {
    result = evaluate(samples, { threshold, folds, epochs, seed, hindsight: !a["no-hindsight"], priors });
  } catch (e) {
    process.stderr.write(`edgeprop eval: ${(e as Error).message}\n`); // e.g. a prior of another input layout
    return 1;
  }
  const last = samples.length > 0 ? samples[samples.length - 1].ordinal : 0;
  const drift = last >= 600 ? { auc100to300: windowAuc(result.jobs, 100, 300), auc400to600: windowAuc(result.jobs, 400, 600) } : null;
  const dir = resolve(a.report!);
  mkdirSync(dir, { recursive: true });
  const svgName = `eval-${name}.svg`;
  const command = `edgeprop eval ${argv.join(" ")}`;
  writeFileSync(join(dir, svgName), runningSvg(runningMetrics(result.jobs), `edgeprop eval: ${name}`));
  const extra = drift ? [``, `Drift windows (network): AUC jobs 100–300 ${drift.auc100to300.toFixed(3)}, jobs 400–600 ${drift.auc400to600.toFixed(3)}.`] : [];
  if (priors) extra.push(``, `The judder and Ra learners started from the prior in ${resolve(a.prior!)} (source "prior" until their first own update).`);
  // Simulator runs: what an oracle knowing the hidden causes scores on the same jobs and labels.
  const ceiling = ceilingOf ? ceilingOf(samples) : null;
  const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  if (ceiling) {
    extra.push(
      ``,
      `## Bayes ceiling (simulator truth)`,
      ``,
      `An oracle that knows each job's true DTV, runout and the causes of Ra (src/cli/eval-ceiling.ts), scored on the same jobs and labels: ` +
        `judder AUC ${ceiling.judder.auc.toFixed(3)}, F1 at 0.5 ${ceiling.judder.f1At05.toFixed(3)} (best threshold ${ceiling.judder.f1Best.toFixed(3)}); ` +
        `Ra MAE ${ceiling.raMae.toFixed(3)} µm. DTV estimate (input co_dtv_post_log) against the true DTV: Spearman ρ ${ceiling.dtv.spearman.toFixed(3)}, ` +
        `median error ${ceiling.dtv.medianErrUm.toFixed(2)} µm, MAE ${ceiling.dtv.maeUm.toFixed(2)} µm after one fleet-wide scale (n ${ceiling.dtv.n}).`,
    );
  }
  const mdFile = join(dir, `eval-${name}.md`);
  writeFileSync(mdFile, markdownReport(name, result, svgName, command, extra));
  const ceilingJson = ceiling
    ? { judder: { auc: r3(ceiling.judder.auc), f1At05: r3(ceiling.judder.f1At05), f1Best: r3(ceiling.judder.f1Best), n: ceiling.judder.n }, raMaeUm: r3(ceiling.raMae), dtv: { spearman: r3(ceiling.dtv.spearman), medianErrUm: r3(ceiling.dtv.medianErrUm), maeUm: r3(ceiling.dtv.maeUm), n: ceiling.dtv.n } }
    : null;
  const summary = summaryJson(name, result, { drift, ceiling: ceilingJson, prior: priors ? resolve(a.prior!) : null, report: mdFile, plot: join(dir, svgName) });
  if (a.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const j = result.judder;
    const line = (label: string, x: typeof j.model | null) => (x ? `  ${label.padEnd(34)} AUC ${x.auc.toFixed(3)}  F1 ${x.f1.toFixed(3)}  accuracy ${x.accuracy.toFixed(3)}  (n ${x.n})\n` : "");
    process.stdout.write(
      `eval ${name}: ${result.jobs.length} jobs\n judder\n` +
        line("network (prequential)", j.model) + line("controller (rule until ready)", j.controller) + line("rule LRO ≥ 50 µm", j.rule) +
        line("vibration RMS threshold", j.rms) + line("hindsight k-fold", j.hindsight) +
        ` residual runout MAE µm: network ${result.residual.model.toFixed(3)}, controller ${result.residual.controller.toFixed(3)}, rule ${result.residual.rule.toFixed(3)}${result.residual.hindsight !== null ? `, hindsight ${result.residual.hindsight.toFixed(3)}` : ""}\n` +
        ` Ra MAE µm: network ${result.ra.model.toFixed(3)}, running mean ${result.ra.mean.toFixed(3)}${result.ra.hindsight !== null ? `, hindsight ${result.ra.hindsight.toFixed(3)}` : ""}\n` +
        (ceiling ? ` Bayes ceiling (simulator truth): judder AUC ${ceiling.judder.auc.toFixed(3)}, F1 ${ceiling.judder.f1At05.toFixed(3)}; Ra MAE ${ceiling.raMae.toFixed(3)} µm; DTV estimate ρ ${ceiling.dtv.spearman.toFixed(3)}\n` : "") +
        ` rollbacks: ${result.rollbacks.length}\n report: ${mdFile}\n`,
    );
  }
  return 0;
}
