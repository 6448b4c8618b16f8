// dashboard with the learners' live status on the models page: reads judder.status and
// cut-quality.status, so the config must have both learning plugins (judder, cut-quality).
import { dashboardPlugin } from "./plugin.ts";
import { cutQualityStatus, judderStatus } from "../../src/learn/learner-status.ts";

export { configSchema } from "./plugin.ts";
export default dashboardPlugin([judderStatus, cutQualityStatus]);
