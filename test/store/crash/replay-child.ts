// Child of the controller crash test: the replay pipeline with the job log, on a capture folder.
//   node --import tsx replay-child.ts CAPTURE_DIR DB ID_PREFIX
import { Host } from "../../../src/runtime/index.ts";
import { replayConfig } from "../support/replay-config.ts";

const [dir, db, prefix] = process.argv.slice(2);
const host = await Host.load(await replayConfig(dir, db, { idPrefix: prefix }));
await host.start();
process.stdout.write("ready\n");
// `E n` once the job log has committed n jobs (its counter moves after the commit).
let acked = 0;
while ((host.metrics.value("replay-source.done") ?? 0) === 0) {
  const n = host.metrics.value("job-log.jobs") ?? 0;
  if (n !== acked) process.stdout.write(`E ${(acked = n)}\n`);
  await new Promise((r) => setTimeout(r, 1));
}
await host.idle();
await host.stop();
process.stdout.write("done\n");
