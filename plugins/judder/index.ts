// judder (labels from job records: a replay's label file). See plugin.ts; with-job-log.ts also takes
// labels given later through the job log.
import { judderPlugin } from "./plugin.ts";

export { configSchema } from "./plugin.ts";
export default judderPlugin(null);
