// The collector plugin the pipeline tests add to a host config (as module "test:collector", with
// `preloaded: { "test:collector": plugin }`) to see the job records the pipeline produces.
import { definePlugin, z, type PluginDefinition } from "../../src/runtime/index.ts";
import { jobRecordChannel, type JobRecord } from "../../src/store/job-record.ts";

/** A plugin named "collector" appending every record it reads from jobs.records to `records`, in order. */
export function recordCollector(): { plugin: PluginDefinition; records: JobRecord[] } {
  const records: JobRecord[] = [];
  const plugin = definePlugin({ name: "collector", version: "1.0.0", host: "*", config: z.object({}), reads: [jobRecordChannel] }, (ctx) => {
    const r = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = r.shift(); e !== undefined; e = r.shift()) records.push(e.record);
    });
    return {};
  });
  return { plugin, records };
}
