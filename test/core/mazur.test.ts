// Matt Mazur's "A Step by Step Backpropagation Example": a 2-2-2 sigmoid network, half-sse, lr 0.5.
//
// Mazur's network shares ONE bias per layer (b1 = .35 for both hidden units, b2 = .60 for both
// outputs) and his published updated weights leave the biases unchanged. Ours has one bias per
// unit; setting both entries of a layer to his value gives the same forward pass and the same
// weight gradients, so the initial error and the weights after one step must match his numbers.
// (Our biases do move in that step; his text does not update them, so they are not compared.)
import { describe, expect, it } from "vitest";
import { createNetwork, KERNELS } from "./support.ts";

describe.each(KERNELS)("Mazur's worked example (%s kernels)", (kernels) => {
  const build = () => {
    const net = createNetwork({
      inputs: 2,
      layers: [{ units: 2, activation: "sigmoid" }, { units: 2, activation: "sigmoid" }],
      loss: "half-sse",
      optimizer: { type: "sgd", learningRate: 0.5 },
      kernels,
    });
    // Layout per layer: weights [unit][input] row-major, then biases [unit].
    // Hidden h1 = w1·i1 + w2·i2, h2 = w3·i1 + w4·i2; output o1 = w5·h1 + w6·h2, o2 = w7·h1 + w8·h2.
    net.params.set([0.15, 0.2, 0.25, 0.3, 0.35, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.6]);
    return net;
  };
  const x = [0.05, 0.1];
  const t = [0.01, 0.99];

  it("has total error 0.298371109 before training", () => {
    const net = build();
    expect(net.loss(x, t)).toBeCloseTo(0.298371109, 9);
    expect(net.forward(x)[0]).toBeCloseTo(0.75136507, 8);
    expect(net.forward(x)[1]).toBeCloseTo(0.772928465, 8);
  });

  it("after one step has w5 = 0.35891648 and w1 = 0.149780716 (and his other weights)", () => {
    const net = build();
    expect(net.train(x, t)).toBe(true);
    expect(net.lastLoss).toBeCloseTo(0.298371109, 9);
    const p = net.params;
    const [w1, w2, w3, w4, , , w5, w6, w7, w8] = p;
    expect(w5).toBeCloseTo(0.35891648, 8);
    expect(w6).toBeCloseTo(0.408666186, 8);
    expect(w7).toBeCloseTo(0.511301270, 8);
    expect(w8).toBeCloseTo(0.561370121, 8);
    expect(w1).toBeCloseTo(0.149780716, 9);
    expect(w2).toBeCloseTo(0.19956143, 8);
    expect(w3).toBeCloseTo(0.24975114, 8);
    expect(w4).toBeCloseTo(0.29950229, 8);
  });
});
