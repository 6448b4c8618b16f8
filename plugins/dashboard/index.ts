// dashboard (plugin.ts): the shop's screen, for any pipeline. with-learners.ts also shows the
// learning plugins' running scores live on the models page.
import { dashboardPlugin } from "./plugin.ts";

export { configSchema } from "./plugin.ts";
export default dashboardPlugin([]);
