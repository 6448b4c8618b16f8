// Spec validation at build time: each mistake is a CoreError with code EP_ERR_CORE_SPEC, naming
// the field and the offending value.
import { describe, expect, it } from "vitest";
import { CoreError, createNetwork, type NetworkSpec } from "../../src/core/index.ts";

const good: NetworkSpec = {
  inputs: 2,
  layers: [{ units: 3, activation: "relu" }, { units: 2, activation: "softmax" }],
  loss: "softmax-ce",
  optimizer: { type: "sgd", learningRate: 0.1 },
};

function errorOf(patch: Record<string, unknown>): CoreError {
  try {
    createNetwork({ ...good, ...patch } as NetworkSpec);
  } catch (e) {
    return e as CoreError;
  }
  throw new Error("expected createNetwork to throw");
}

describe("spec validation", () => {
  it("accepts a good spec and fills the defaults", () => {
    const net = createNetwork(good);
    expect(net.spec.batchSize).toBe(1);
    expect(net.spec.precision).toBe("f64");
    expect(net.spec.weightDecay).toBe(0);
    expect(net.spec.clipNorm).toBe(0);
    expect(net.spec.seed).toBe(1);
    expect(net.spec.optimizer).toMatchObject({ momentum: 0, nesterov: false });
    const adam = createNetwork({ ...good, optimizer: { type: "adam", learningRate: 0.01 } });
    expect(adam.spec.optimizer).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  });

  it.each([
    ["inputs", { inputs: 0 }, "inputs", /integer in 1\.\.\d+, got 0/],
    ["inputs", { inputs: 2.5 }, "inputs", /got 2\.5/],
    ["no layers", { layers: [] }, "layers", /non-empty/],
    ["units", { layers: [{ units: -1, activation: "relu" }, { units: 2, activation: "softmax" }] }, "layers[0].units", /got -1/],
    ["activation", { layers: [{ units: 3, activation: "swish" }, { units: 2, activation: "softmax" }] }, "layers[0].activation", /got swish/],
    ["softmax hidden", { layers: [{ units: 3, activation: "softmax" }, { units: 2, activation: "softmax" }] }, "layers[0].activation", /only on the last layer \(index 1\)/],
    ["softmax with mse", { loss: "mse" }, "layers[1].activation", /softmax needs loss softmax-ce, got mse/],
    ["softmax-ce without softmax", { layers: [{ units: 2, activation: "sigmoid" }] }, "loss", /needs a softmax last layer, got sigmoid/],
    ["softmax of 1 unit", { layers: [{ units: 1, activation: "softmax" }] }, "layers[0].units", /at least 2 units, got 1/],
    ["bce without sigmoid", { loss: "bce", layers: [{ units: 2, activation: "tanh" }] }, "loss", /bce needs a sigmoid last layer, got tanh/],
    ["loss", { loss: "hinge" }, "loss", /got hinge/],
    ["learning rate", { optimizer: { type: "sgd", learningRate: 0 } }, "optimizer.learningRate", /\(0, Infinity\), got 0/],
    ["momentum", { optimizer: { type: "sgd", learningRate: 0.1, momentum: 1 } }, "optimizer.momentum", /\[0, 1\), got 1/],
    ["nesterov without momentum", { optimizer: { type: "sgd", learningRate: 0.1, nesterov: true } }, "optimizer.nesterov", /needs momentum > 0/],
    ["beta2", { optimizer: { type: "adam", learningRate: 0.1, beta2: 1.5 } }, "optimizer.beta2", /got 1\.5/],
    ["optimizer type", { optimizer: { type: "rmsprop", learningRate: 0.1 } }, "optimizer.type", /got rmsprop/],
    ["weight decay", { weightDecay: -1 }, "weightDecay", /got -1/],
    ["clip norm", { clipNorm: NaN }, "clipNorm", /got NaN/],
    ["batch size", { batchSize: 0 }, "batchSize", /got 0/],
    ["precision", { precision: "f16" }, "precision", /got f16/],
    ["seed", { seed: 1.5 }, "seed", /got 1\.5/],
  ])("rejects a bad %s", (_name, patch, field, message) => {
    const e = errorOf(patch);
    expect(e).toBeInstanceOf(CoreError);
    expect(e.code).toBe("EP_ERR_CORE_SPEC");
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(field);
    expect(e.message).toMatch(message);
  });

  it("rejects unknown kernels with EP_ERR_CORE_KERNELS", () => {
    expect(() => createNetwork({ ...good, kernels: "gpu" })).toThrow(expect.objectContaining({ code: "EP_ERR_CORE_KERNELS" }));
  });

  it("rejects an arena larger than a WebAssembly memory with the numbers", () => {
    const e = errorOf({ inputs: 1 << 24, layers: [{ units: 100, activation: "relu" }, { units: 2, activation: "softmax" }] });
    expect(e.code).toBe("EP_ERR_CORE_ARENA");
    expect(e.details.requested).toBeGreaterThan(e.details.available as number);
  });
});
