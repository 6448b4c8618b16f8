// The controller's replay pipeline (config/replay.yaml) on a capture folder, with the job-log plugin
// writing into `db` and, optionally, a preloaded collector plugin: for the job-log tests.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { shippedConfig } from "../../../src/cli/pipeline.ts";
import { loadConfigFile, type InstallationConfig } from "../../../src/runtime/index.ts";
import { withoutPriors } from "../../support/without-priors.ts";

const jobLogModule = fileURLToPath(new URL("../../../plugins/job-log/index.ts", import.meta.url));

export async function replayConfig(dir: string, db: string | null, opts: { idPrefix?: string; collector?: boolean } = {}): Promise<InstallationConfig> {
  const config = withoutPriors(await loadConfigFile(shippedConfig("replay.yaml")));
  config.host.dataDir = join(dir, "data");
  config.plugins["replay-source"].config = { vib: join(dir, "vib.bin"), run: join(dir, "run.bin") };
  config.plugins["job-records"].config = { labels: join(dir, "labels.jsonl") };
  if (opts.idPrefix) config.plugins["job-tracker"].config = { ...(config.plugins["job-tracker"].config as object), idPrefix: opts.idPrefix };
  config.plugins.console.enabled = false;
  config.plugins["jsonl-log"].enabled = false;
  const { ["replay-source"]: source, ...rest } = config.plugins;
  config.plugins = {
    ...rest,
    ...(db ? { "job-log": { module: resolve(jobLogModule), enabled: true, config: { db } } } : {}),
    ...(opts.collector ? { collector: { module: "test:collector", enabled: true } } : {}),
    "replay-source": source,
  };
  return config;
}

const judderModule = fileURLToPath(new URL("../../../plugins/judder/index.ts", import.meta.url));

/**
 * The crash tests' pipeline: replayConfig (whose judder is the learner) with the judder learner's
 * cold-start minimum out of reach, so its estimates are the rule's (records stay comparable with an
 * uninterrupted replay), while it learns every label and, with `modelDir`, saves its model file
 * after each one: kills land during model saves too.
 */
export async function crashConfig(dir: string, db: string | null, opts: { idPrefix?: string; collector?: boolean; modelDir?: string } = {}): Promise<InstallationConfig> {
  const config = await replayConfig(dir, db, opts);
  config.plugins.judder = { module: resolve(judderModule), enabled: true, config: { limitUm: 50, scaleUm: 5, threshold: 0.5, minLabels: 1_000_000, ...(opts.modelDir ? { modelDir: opts.modelDir } : {}) } };
  return config;
}
