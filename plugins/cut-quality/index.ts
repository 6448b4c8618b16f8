// cut-quality (labels from job records: the check pass, and a replay's label file). See plugin.ts;
// with-job-log.ts also takes Ra labels given later through the job log.
import { cutQualityPlugin } from "./plugin.ts";

export { configSchema } from "./plugin.ts";
export default cutQualityPlugin(null);
