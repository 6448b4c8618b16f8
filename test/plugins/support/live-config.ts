// The controller's live pipeline from config/sim.yaml for tests on simulated boards: only the
// pipeline plugins (job tracker, features, the two rules, job records, boards), no log file, silent.
import { loadConfigFile, type InstallationConfig } from "../../../src/runtime/index.ts";
import { shippedConfig } from "../../../src/cli/pipeline.ts";

/** sim.yaml cut down to the pipeline, with `boards` configured as given (e.g. the pty paths). */
export async function livePipelineConfig(boards: Record<string, unknown>): Promise<InstallationConfig> {
  const config = await loadConfigFile(shippedConfig("sim.yaml"));
  config.host.logFile = undefined;
  config.host.logLevel = "silent";
  const mine = ["job-tracker", "features", "judder-rule", "cut-quality-rule", "job-records", "boards"];
  for (const name of Object.keys(config.plugins)) if (!mine.includes(name)) delete config.plugins[name];
  config.plugins.boards.config = boards;
  return config;
}
