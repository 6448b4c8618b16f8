// cut-quality, also learning Ra from labels given through the job log while the controller runs
// (jobs.labels, written by the job-log plugin, which must be in the config).
import { cutQualityPlugin } from "./plugin.ts";
import { labelChannel } from "../job-log/channels.ts";

export { configSchema } from "./plugin.ts";
export default cutQualityPlugin(labelChannel);
