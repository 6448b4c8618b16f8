// cut-quality, also learning Ra from labels given through the job log while the controller runs
// (jobs.labels, written by the job-log plugin, which must be in the config), with every version and
// automatic rollback of both models in the job log's model registry (config `db`, as job-log's).
import { cutQualityPlugin } from "./plugin.ts";
import { labelChannel } from "../job-log/channels.ts";

export { jobLogConfigSchema as configSchema } from "./plugin.ts";
export default cutQualityPlugin(labelChannel);
