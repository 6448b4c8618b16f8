// The evaluation's per-job data, made by the controller's own pipeline (config/replay-rules.yaml:
// the learners are run by the evaluation itself, so the replay needs only the cheap rule plugins):
// captures (or a simulator scenario written to captures in a temporary folder) are replayed, and a
// collector plugin keeps every features.revs row and each job's record (measurements, labels
// attached by job-records from the label file). The learner inputs are then JobInputs over those
// rows, at each job's last CUT_END (before the check pass), exactly as the plugins compute them live.
//
// A scenario's replay (rows, records and the simulator's truth.jsonl lines) can be cached in a
// folder (`cacheDir`, e.g. bench/out/eval-cache): the replay is the slow part, and the cache lets
// the per-job inputs be iterated on. The cache key holds the features.revs layout, so a layout
// change replays again.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePlugin, Host, loadConfigFile, z } from "../runtime/index.ts";
import { jobRecordChannel, type JobRecord } from "../store/job-record.ts";
import { featureRevs, StreamKind } from "../controller/channels.ts";
import { createHash } from "node:crypto";
import { JobInputs } from "../learn/job-inputs.ts";
import type { JobSample } from "../learn/job-sample.ts";
import { shippedConfig } from "./pipeline.ts";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";

export interface CaptureInput {
  vib: string;
  run: string;
  labels?: string;
}

/** What a replay produced: every features.revs row (row-major, `fields` wide) and the records. */
export interface Replay {
  fields: readonly string[];
  rows: Float64Array;
  records: JobRecord[];
  /** The simulator's truth.jsonl lines (scenario runs only), in job order. */
  truth: Record<string, unknown>[];
}

/** Replays captures through the pipeline: every features.revs row and the job records. */
export async function replayCaptures(input: CaptureInput): Promise<Replay> {
  const width = featureRevs.fields.length;
  let rows = new Float64Array(width * 4096);
  let n = 0;
  const records: JobRecord[] = [];
  const collector = definePlugin(
    { name: "eval-collector", version: "1.0.0", host: "*", config: z.object({}), reads: [featureRevs, jobRecordChannel] },
    (ctx) => {
      const fr = ctx.channels.reader(featureRevs, () => {
        for (let i = fr.next(); i >= 0; i = fr.next()) {
          if ((n + 1) * width > rows.length) {
            const bigger = new Float64Array(rows.length * 2);
            bigger.set(rows);
            rows = bigger;
          }
          for (let f = 0; f < width; f++) rows[n * width + f] = cols[f][i];
          n++;
        }
      });
      const cols = featureRevs.fields.map((f) => fr.column(f));
      const jr = ctx.channels.reader(jobRecordChannel, () => {
        for (let e = jr.shift(); e !== undefined; e = jr.shift()) records.push(e.record);
      });
      return {};
    },
  );
  const config = await loadConfigFile(shippedConfig("replay-rules.yaml"));
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
  return { fields: featureRevs.fields, rows: rows.slice(0, n * width), records, truth: [] };
}

/** The jobs of a replay, in ordinal order: JobInputs over its rows at each job's last CUT_END. */
export function samplesFromReplay(replay: Replay): JobSample[] {
  const width = replay.fields.length;
  if (width !== featureRevs.fields.length) throw new Error(`eval: replay rows are ${width} wide, features.revs is ${featureRevs.fields.length}`);
  const inputs = new Map<number, number[]>();
  const acc = new JobInputs();
  const rows = replay.rows;
  for (let o = 0; o + width <= rows.length; o += width) {
    const row = rows.subarray(o, o + width);
    acc.add(row);
    if (row[0] === StreamKind.CUT_END && row[1] === acc.ordinal) inputs.set(acc.ordinal, Array.from(acc.finish()));
  }
  const truth = new Map(replay.truth.map((t) => [Number(t.job), t]));
  return replay.records.map((r) => ({
    ordinal: r.ordinal,
    status: r.status,
    inputs: inputs.get(r.ordinal) ?? null,
    lroPreUm: r.measured.lroPreUm,
    lroPostUm: r.measured.lroPostUm,
    labels: r.labels,
    truth: truth.get(r.ordinal) ?? null,
  }));
}

/** Replays captures through the pipeline and returns the jobs in ordinal order. */
export async function samplesFromCaptures(input: CaptureInput): Promise<JobSample[]> {
  return samplesFromReplay(await replayCaptures(input));
}

/** Simulates a scenario into a temporary folder and replays it (with its truth), removing the folder. */
export async function replayScenario(scenario: string, jobs: number, seed: number): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-eval-"));
  try {
    writeCaptures(new Simulator({ scenario, jobs, seed }), dir);
    const replay = await replayCaptures({ vib: join(dir, "vib.bin"), run: join(dir, "run.bin"), labels: join(dir, "labels.jsonl") });
    replay.truth = readFileSync(join(dir, "truth.jsonl"), "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    return replay;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** replayScenario through a cache folder (created if missing): a cached replay of the same
 *  scenario, jobs, seed and features.revs layout is read instead of simulated again. */
export async function cachedReplayScenario(scenario: string, jobs: number, seed: number, cacheDir: string): Promise<Replay> {
  const layout = createHash("sha256").update(featureRevs.fields.join(",")).digest("hex").slice(0, 12);
  const base = join(cacheDir, `${scenario}-${jobs}-seed${seed}-${layout}`);
  if (existsSync(`${base}.json`) && existsSync(`${base}.f64`)) {
    const meta = JSON.parse(readFileSync(`${base}.json`, "utf8")) as Omit<Replay, "rows">;
    const bytes = readFileSync(`${base}.f64`);
    const rows = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { ...meta, rows };
  }
  const replay = await replayScenario(scenario, jobs, seed);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${base}.f64`, new Uint8Array(replay.rows.buffer, replay.rows.byteOffset, replay.rows.byteLength));
  writeFileSync(`${base}.json`, JSON.stringify({ fields: replay.fields, records: replay.records, truth: replay.truth }));
  return replay;
}

/** Simulates a scenario into a temporary folder, replays it, removes the folder. */
export async function samplesFromScenario(scenario: string, jobs: number, seed: number): Promise<JobSample[]> {
  return samplesFromReplay(await replayScenario(scenario, jobs, seed));
}
