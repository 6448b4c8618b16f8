// A host running the health plugin beside a stand-in source that declares the channels health
// reads (boards.vib, boards.run, boards.events, jobs.records) and writes what a test asks for.
import { fileURLToPath } from "node:url";
import { definePlugin, Host, parseConfig, z, type NumericWriter, type ObjectWriter } from "../../../src/runtime/index.ts";
import { boardEvents, runSamples, vibSamples } from "../../../src/controller/channels.ts";
import { jobRecordChannel, type JobLogEntry } from "../../../src/store/index.ts";

export const HEALTH_MODULE = fileURLToPath(new URL("../../../plugins/health/index.ts", import.meta.url));

export interface Source {
  vib: NumericWriter<"t" | "x" | "y" | "z" | "sat" | "seg" | "w">;
  run: NumericWriter<"t" | "v" | "sat" | "seg" | "w">;
  events: NumericWriter<"kind" | "board" | "t" | "a" | "b" | "c" | "d" | "e" | "f">;
  records: ObjectWriter<JobLogEntry>;
}

export async function startHealthHost(health: Record<string, unknown>, dataDir: string): Promise<{ host: Host; source: Source }> {
  let source: Source | null = null;
  const stand = definePlugin(
    { name: "source", version: "1.0.0", host: "*", config: z.object({}), writes: [vibSamples, runSamples, boardEvents, jobRecordChannel] },
    (ctx) => {
      source = {
        vib: ctx.channels.writer(vibSamples),
        run: ctx.channels.writer(runSamples),
        events: ctx.channels.writer(boardEvents),
        records: ctx.channels.writer(jobRecordChannel),
      };
      return {};
    },
  );
  const config = await parseConfig(
    { host: { dataDir }, plugins: { health: { module: HEALTH_MODULE, config: health }, source: { module: "test:source" } } },
    dataDir,
  );
  const host = await Host.load(config, { preloaded: { "test:source": stand } });
  await host.start();
  return { host, source: source! };
}
