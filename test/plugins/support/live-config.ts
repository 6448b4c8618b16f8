// The controller's live pipeline from config/sim.yaml for tests on simulated boards: only the
// pipeline plugins (job tracker, features, the two learners without the job log and cold, i.e. on
// the stated rules as the replay helpers of these tests, job records, boards), no log file, silent.
import { loadConfigFile, type InstallationConfig } from "../../../src/runtime/index.ts";
import { shippedConfig } from "../../../src/cli/pipeline.ts";
import { withoutPriors } from "../../support/without-priors.ts";
import { learnersWithoutJobLog } from "../../../bench/live-support.ts";

/** sim.yaml cut down to the pipeline, with `boards` configured as given (e.g. the pty paths). */
export async function livePipelineConfig(boards: Record<string, unknown>): Promise<InstallationConfig> {
  const config = withoutPriors(await loadConfigFile(shippedConfig("sim.yaml")));
  config.host.logFile = undefined;
  config.host.logLevel = "silent";
  const mine = ["job-tracker", "features", "judder", "cut-quality", "job-records", "boards"];
  for (const name of Object.keys(config.plugins)) if (!mine.includes(name)) delete config.plugins[name];
  learnersWithoutJobLog(config); // the learners' plain variants (no labels from the log, no registry)
  config.plugins.boards.config = boards;
  return config;
}
