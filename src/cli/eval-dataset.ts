// The evaluation's per-job data, made by the controller's own pipeline (config/replay.yaml, the rule
// estimators included): captures (or a simulator scenario written to captures in a temporary
// folder) are replayed, and a collector plugin keeps each job's learner inputs (JobInputs over
// features.revs, at the last CUT_END: before the check pass) and its record (measurements, rule
// estimates, labels attached by job-records from the label file).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePlugin, Host, loadConfigFile, z } from "../runtime/index.ts";
import { jobRecordChannel, type JobRecord } from "../store/job-record.ts";
import { featureRevs, StreamKind } from "../controller/channels.ts";
import { JobInputs } from "../learn/job-inputs.ts";
import type { JobSample } from "../learn/job-sample.ts";
import { shippedConfig } from "./pipeline.ts";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";

export interface CaptureInput {
  vib: string;
  run: string;
  labels?: string;
}

/** Replays captures through the pipeline and returns the jobs in ordinal order. */
export async function samplesFromCaptures(input: CaptureInput): Promise<JobSample[]> {
  const inputs = new Map<number, number[]>();
  const records: JobRecord[] = [];
  const collector = definePlugin(
    { name: "eval-collector", version: "1.0.0", host: "*", config: z.object({}), reads: [featureRevs, jobRecordChannel] },
    (ctx) => {
      const acc = new JobInputs();
      const fr = ctx.channels.reader(featureRevs, () => {
        for (let i = fr.next(); i >= 0; i = fr.next()) {
          for (let f = 0; f < cols.length; f++) row[f] = cols[f][i];
          acc.add(row);
          if (row[0] === StreamKind.CUT_END && row[1] === acc.ordinal) inputs.set(acc.ordinal, Array.from(acc.finish()));
        }
      });
      const cols = featureRevs.fields.map((f) => fr.column(f));
      const row = new Float64Array(cols.length);
      const jr = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = jr.shift(); e !== undefined; e = jr.shift()) records.push(e.record);
      });
      return {};
    },
  );
  const config = await loadConfigFile(shippedConfig("replay.yaml"));
  config.plugins["replay-source"].config = { vib: input.vib, run: input.run };
  if (input.labels) config.plugins["job-records"].config = { labels: input.labels };
  if (config.plugins.console) config.plugins.console.enabled = false;
  if (config.plugins["jsonl-log"]) config.plugins["jsonl-log"].enabled = false;
  const { ["replay-source"]: source, ...rest } = config.plugins;
  config.plugins = { ...rest, "eval-collector": { module: "eval:collector", enabled: true }, "replay-source": source };
  const host = await Host.load(config, { preloaded: { "eval:collector": collector } });
  await host.start();
  let done = 0;
  while ((done = host.metrics.value("replay-source.done") ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
  await host.idle();
  await host.stop();
  if (done < 0) throw new Error(`eval: replay of ${input.vib} / ${input.run} failed`);
  records.sort((a, b) => a.ordinal - b.ordinal);
  return records.map((r) => ({
    ordinal: r.ordinal,
    status: r.status,
    inputs: inputs.get(r.ordinal) ?? null,
    lroPreUm: r.measured.lroPreUm,
    lroPostUm: r.measured.lroPostUm,
    ruleP: r.judder.p,
    ruleLroPostUm: r.cutQuality.lroPostUm,
    labels: r.labels,
  }));
}

/** Simulates a scenario into a temporary folder, replays it, removes the folder. */
export async function samplesFromScenario(scenario: string, jobs: number, seed: number): Promise<JobSample[]> {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-eval-"));
  try {
    writeCaptures(new Simulator({ scenario, jobs, seed }), dir);
    return await samplesFromCaptures({ vib: join(dir, "vib.bin"), run: join(dir, "run.bin"), labels: join(dir, "labels.jsonl") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
