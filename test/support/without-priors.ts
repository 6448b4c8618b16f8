// The shipped configs start the learners from the simulator prior (models/prior). Tests that check
// the learners' cold behaviour (the stated rule, source "rule", versions from v1 without a parent)
// take the prior out; the prior itself is tested in test/learn/prior.test.ts and the CLI tests.
import type { InstallationConfig } from "../../src/runtime/index.ts";

export function withoutPriors(config: InstallationConfig): InstallationConfig {
  for (const entry of Object.values(config.plugins)) {
    const c = entry.config as Record<string, unknown> | undefined;
    if (c) for (const key of Object.keys(c)) if (/[pP]riorFile$/.test(key)) delete c[key];
  }
  return config;
}
