// judder, also learning from labels given through the job log while the controller runs
// (jobs.labels, written by the job-log plugin, which must be in the config), with every model
// version and automatic rollback in the job log's model registry (config `db`, as job-log's).
import { judderPlugin } from "./plugin.ts";
import { labelChannel } from "../job-log/channels.ts";

export { jobLogConfigSchema as configSchema } from "./plugin.ts";
export default judderPlugin(labelChannel);
