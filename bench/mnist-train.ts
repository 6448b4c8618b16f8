// Minibatch training and test error of a 784-…-10 softmax network on MNIST, shared by the MNIST
// benchmark and its fast test. Pixels are scaled to [0, 1]; targets are one-hot. The batch buffers
// are allocated once per call; the per-batch loop allocates nothing.
import type { Network } from "../src/core/index.ts";
import { Rng } from "../src/core/rng.ts";
import { type MnistSet, PIXELS } from "./mnist-idx.ts";

export interface EpochOptions {
  /** Use only the first `limit` images of the set (default all). */
  limit?: number;
  /** Seed of the shuffle of this epoch. */
  seed: number;
  /** Called after every batch with the number of samples done so far in this epoch. */
  onBatch?: (done: number) => void;
}

/** One epoch of shuffled minibatches (a last partial batch is dropped). Returns the mean training loss. */
export function trainEpoch(net: Network, set: MnistSet, options: EpochOptions): number {
  const n = Math.min(options.limit ?? set.count, set.count);
  const batch = net.batchSize;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Rng(options.seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const x = new Float64Array(batch * PIXELS);
  const t = new Float64Array(batch * 10);
  let lossSum = 0;
  let steps = 0;
  for (let start = 0; start + batch <= n; start += batch) {
    t.fill(0);
    for (let s = 0; s < batch; s++) {
      const img = order[start + s];
      const base = img * PIXELS;
      for (let p = 0; p < PIXELS; p++) x[s * PIXELS + p] = set.images[base + p] / 255;
      t[s * 10 + set.labels[img]] = 1;
    }
    if (net.train(x, t)) {
      lossSum += net.lastLoss;
      steps++;
    }
    options.onBatch?.(start + batch);
  }
  return lossSum / Math.max(steps, 1);
}

/** Fraction of misclassified images (arg-max of the outputs) among the first `limit` of the set. */
export function testError(net: Network, set: MnistSet, limit = set.count): number {
  const batch = net.batchSize;
  const n = Math.min(limit, set.count);
  const x = new Float64Array(batch * PIXELS);
  let wrong = 0;
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    x.fill(0);
    for (let s = 0; s < m; s++) {
      const base = (start + s) * PIXELS;
      for (let p = 0; p < PIXELS; p++) x[s * PIXELS + p] = set.images[base + p] / 255;
    }
    const y = net.forward(x);
    for (let s = 0; s < m; s++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (y[s * 10 + k] > y[s * 10 + best]) best = k;
      if (best !== set.labels[start + s]) wrong++;
    }
  }
  return wrong / n;
}
