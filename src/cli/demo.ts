// `edgeprop demo`: a first look at the core engine. Learns XOR, then a small 24-16-2 task online,
// saves the model, loads it back at another batch size and precision, and checks it still works.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createNetwork, loadModel, Rng, saveModel, type Network } from "../core/index.ts";

const OUT_DIR = ".edgeprop-demo";

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function xor(): void {
  // Design matrix with a bias column: [x1, x2, 1].
  const rows = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]];
  const targets = [0, 1, 1, 0];
  const net = createNetwork({
    inputs: 3,
    layers: [{ units: 4, activation: "tanh" }, { units: 1, activation: "sigmoid" }],
    loss: "half-sse",
    optimizer: { type: "sgd", learningRate: 0.5, momentum: 0.9 },
    seed: 1,
  });
  say(`XOR: 3-4-1 network, ${net.params.length} parameters, arena ${net.bytes} bytes, ${net.kernelName} kernels`);
  for (let epoch = 1; epoch <= 1000; epoch++) {
    let loss = 0;
    for (let s = 0; s < 4; s++) {
      net.train(rows[s], [targets[s]]);
      loss += net.lastLoss / 4;
    }
    if (epoch === 1 || epoch % 250 === 0) say(`  epoch ${String(epoch).padStart(4)}  loss ${loss.toFixed(6)}`);
  }
  const outs = rows.map((r) => net.forward(r)[0]);
  const correct = outs.filter((y, s) => (y > 0.5 ? 1 : 0) === targets[s]).length;
  say(`  outputs ${outs.map((y) => y.toFixed(3)).join(" ")}  →  accuracy ${correct}/4`);
}

/** 24 inputs in [0,1); two outputs: is x0 + x2 > 1, is x1 + x3 > 1 (the other 20 inputs are noise). */
function makeData(n: number, seed: number): { x: Float64Array; t: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n * 24);
  const t = new Float64Array(n * 2);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  for (let s = 0; s < n; s++) {
    t[s * 2] = x[s * 24] + x[s * 24 + 2] > 1 ? 1 : 0;
    t[s * 2 + 1] = x[s * 24 + 1] + x[s * 24 + 3] > 1 ? 1 : 0;
  }
  return { x, t };
}

function accuracy(net: Network, data: { x: Float64Array; t: Float64Array }): number {
  const b = net.batchSize;
  const n = Math.floor(data.t.length / 2 / b) * b;
  let correct = 0;
  for (let s = 0; s < n; s += b) {
    const y = net.forward(data.x.subarray(s * 24, (s + b) * 24));
    for (let k = 0; k < b * 2; k++) if ((y[k] > 0.5 ? 1 : 0) === data.t[s * 2 + k]) correct++;
  }
  return correct / (n * 2);
}

function task(): void {
  const train = makeData(2048, 1);
  const test = makeData(1024, 2);
  const net = createNetwork({
    inputs: 24,
    layers: [{ units: 16, activation: "sigmoid" }, { units: 2, activation: "sigmoid" }],
    loss: "bce",
    optimizer: { type: "sgd", learningRate: 0.1, momentum: 0.5 },
    seed: 7,
  });
  say(`\n24-16-2 task: ${net.params.length} parameters, arena ${net.bytes} bytes, ${net.kernelName} kernels`);
  say(`  test accuracy before training ${(accuracy(net, test) * 100).toFixed(1)}%`);
  const steps = 200_000;
  const t0 = performance.now();
  let loss = 0;
  for (let i = 1; i <= steps; i++) {
    const s = i & 2047;
    net.train(train.x.subarray(s * 24, s * 24 + 24), train.t.subarray(s * 2, s * 2 + 2));
    loss += net.lastLoss;
    if (i % 50_000 === 0) {
      say(`  step ${String(i).padStart(6)}  mean loss ${(loss / 50_000).toFixed(4)}  test accuracy ${(accuracy(net, test) * 100).toFixed(1)}%`);
      loss = 0;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  say(`  ${steps} online steps in ${seconds.toFixed(2)} s (${Math.round(steps / seconds).toLocaleString("en")} samples/s, progress checks included)`);

  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, "task-24-16-2.epnn");
  saveModel(net, path);
  const back = loadModel(path, { batchSize: 256, precision: "f32" });
  say(`  saved ${path}; reloaded with batch 256 in f32 (arena ${back.bytes} bytes)`);
  say(`  test accuracy: trained ${(accuracy(net, test) * 100).toFixed(1)}%, reloaded ${(accuracy(back, test) * 100).toFixed(1)}%`);
  say(`  refused inputs ${net.refusedInputs}, rolled-back steps ${net.rolledBackSteps}`);
}

export async function runDemo(_argv: string[]): Promise<number> {
  xor();
  task();
  return 0;
}
