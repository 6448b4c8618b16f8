// MNIST benchmark (not a test): trains 784-300-10 and 784-800-10 relu / softmax / cross-entropy nets
// on the 60,000 training images and reports the error on the 10,000 test images beside the published
// figures for two-layer nets (LeCun et al. 1998, table: 300 hidden units, MSE, 4.7 %; Simard et al.
// 2003: 800 hidden units, cross-entropy, 1.6 %), with samples/s and wall time.
//
//   npm run bench:mnist                      # both nets, 12 epochs each (several minutes)
//   npm run bench:mnist -- --epochs=3 --only=300 --precision=f64 --batch=32
//
// Beside each net it times the same training on the TypeScript reference kernels over the first
// 1,024 images (same run, ratio to the default kernels' samples/s over the same slice).
//
// Training: minibatches of 32 (batch mode, one network call per batch), SGD with Nesterov momentum
// 0.9, learning rate 0.05 decayed ×0.75 per epoch, He-initialised relu hidden layer, default kernels
// (WebAssembly SIMD where available). The progress line is our own (a dozen lines, no dependency):
// on a terminal it redraws in place, otherwise it prints every 25 % so logs stay readable.
import { createNetwork, type Precision } from "../src/core/index.ts";
import { loadMnist } from "./mnist-idx.ts";
import { testError, trainEpoch } from "./mnist-train.ts";

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const epochs = Number(args.get("epochs") ?? 12);
const batch = Number(args.get("batch") ?? 32);
const precision = (args.get("precision") ?? "f32") as Precision;
const only = args.get("only");

const PUBLISHED: Record<number, string> = {
  300: "4.7 % (300 HU, MSE; LeCun et al. 1998)",
  800: "1.6 % (800 HU, cross-entropy; Simard et al. 2003)",
};

function progress(label: string, done: number, total: number, t0: number): void {
  const frac = done / total;
  const rate = done / ((performance.now() - t0) / 1000);
  if (process.stdout.isTTY) {
    const bar = "#".repeat(Math.round(frac * 30)).padEnd(30, ".");
    process.stdout.write(`\r${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${Math.round(rate)} samples/s `);
  } else if (Math.floor(frac * 4) !== Math.floor(((done - batch) / total) * 4)) {
    process.stdout.write(`${label} ${(frac * 100).toFixed(0)}%  ${Math.round(rate)} samples/s\n`);
  }
}

const train = loadMnist("train");
const test = loadMnist("test");
console.log(`MNIST: ${train.count} training, ${test.count} test images; ${epochs} epochs, batch ${batch}, ${precision}`);
const rows: string[] = [];
for (const hidden of [300, 800]) {
  if (only && Number(only) !== hidden) continue;
  const spec = {
    inputs: 784,
    layers: [{ units: hidden, activation: "relu" as const }, { units: 10, activation: "softmax" as const }],
    loss: "softmax-ce" as const,
    optimizer: { type: "sgd" as const, learningRate: 0.05, momentum: 0.9, nesterov: true },
    batchSize: batch,
    precision,
    seed: 1,
  };
  const net = createNetwork(spec);
  const evalNet = createNetwork({ ...spec, batchSize: 100 });
  const t0 = performance.now();
  let trainMs = 0;
  for (let e = 0; e < epochs; e++) {
    net.setLearningRate(0.05 * Math.pow(0.75, e));
    const te = performance.now();
    const label = `784-${hidden}-10 epoch ${e + 1}/${epochs}`;
    const loss = trainEpoch(net, train, { seed: 1000 + e, onBatch: (done) => progress(label, done, train.count, te) });
    trainMs += performance.now() - te;
    evalNet.params.set(net.params);
    const err = testError(evalNet, test);
    if (process.stdout.isTTY) process.stdout.write("\n");
    console.log(`  epoch ${e + 1}: train loss ${loss.toFixed(4)}, test error ${(err * 100).toFixed(2)} %`);
  }
  evalNet.params.set(net.params);
  const err = testError(evalNet, test);
  const wall = (performance.now() - t0) / 1000;
  const rate = (epochs * Math.floor(train.count / batch) * batch) / (trainMs / 1000);
  const sliceRate = (kernels: string): number => {
    const n = createNetwork({ ...spec, kernels });
    const ts = performance.now();
    trainEpoch(n, train, { seed: 7, limit: 1024 });
    return 1024 / ((performance.now() - ts) / 1000);
  };
  const fast = sliceRate("auto");
  const ref = sliceRate("ts");
  rows.push(
    `| 784-${hidden}-10 | ${(err * 100).toFixed(2)} % | ${PUBLISHED[hidden]} | ${Math.round(rate)} | ${wall.toFixed(1)} s | ${net.kernelName} | ${Math.round(ref)} (${(ref / fast).toFixed(2)}×) |`,
  );
}
console.log("\n| net | test error (edgeprop) | published | train samples/s | wall time | kernels | TS kernels samples/s (ratio, 1,024-image slice) |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
