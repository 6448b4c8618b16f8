// Channels of the job-log plugin. The learner reads `jobs.labels` to take labels given while the
// controller runs (CLI, panel, dashboard: any connection to the log) within a second.
import { objectChannel } from "../../src/runtime/index.ts";
import type { Label } from "../../src/store/index.ts";

export { jobRecordChannel } from "../../src/store/index.ts";

/** Labels added to the log by anyone but this plugin, in the order they were stored. */
export const labelChannel = objectChannel<Label>("jobs.labels", { capacity: 256, policy: "drop-oldest" });
