// Child process of the crash-safety test: writes jobs through the store in a loop, as the controller
// would (a running row at the start, one transaction at the end with 40 revolutions of features,
// predictions and a label), and saves + registers a model every 5 jobs. Prints `S id` after a
// start is logged and `E id` after an end is committed, so the parent knows what must survive.
import { join, dirname } from "node:path";
import { createNetwork, saveModel } from "../../../src/core/index.ts";
import { JobLog } from "../../../src/store/index.ts";
import { entry } from "../support/records.ts";

const [db, tag] = process.argv.slice(2);
const log = JobLog.open(db, { owner: true });
const net = createNetwork({ inputs: 4, layers: [{ units: 3, activation: "tanh" }, { units: 1, activation: "sigmoid" }], loss: "bce", optimizer: { type: "sgd", learningRate: 0.1 }, seed: 3 });
const pause = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write("ready\n");
for (let n = 1; ; n++) {
  const id = `${tag}-${n}`;
  log.startJob({ id, ordinal: n });
  process.stdout.write(`S ${id}\n`);
  Atomics.wait(pause, 0, 0, 10 + Math.random() * 10); // the job runs a little while (sleeping, not spinning)
  net.train([Math.random(), 0.5, 0.1, 0.2], [1]);
  const e = entry(n, 40, { id, labels: { judder: n % 2 === 0, dtvUm: n, raUm: null } });
  log.endJob(e);
  process.stdout.write(`E ${id}\n`);
  if (n % 5 === 0) {
    const version = `${id}-model`;
    const path = join(dirname(db), `${version}.epnn`);
    saveModel(net, path);
    const active = log.models.active("judder");
    log.models.register({ version, kind: "judder", parent: active?.version ?? null, path, activate: true });
    process.stdout.write(`M ${version}\n`);
  }
}
