// Child of the 20-kill controller crash test: loads the replay pipeline with the job log (and the
// judder learner saving its model file after every label), says `ready`, and starts replaying
// only when the parent writes `go` (so the next child loads while the current one runs).
//   node --import tsx pool-child.ts CAPTURE_DIR DB ID_PREFIX MODEL_DIR
import { Host } from "../../../src/runtime/index.ts";
import { crashConfig } from "../support/replay-config.ts";

const [dir, db, prefix, modelDir] = process.argv.slice(2);
const host = await Host.load(await crashConfig(dir, db, { idPrefix: prefix, modelDir }));
process.stdout.write("ready\n");
await new Promise<void>((go) => process.stdin.once("data", () => go()));
await host.start();
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
