// net.bytes is the exact size of the laid-out arena, pinned per topology. Worked example,
// 24-16-2 sigmoid, sgd without momentum, f64, batch 1 (every region starts 16-byte aligned):
//   params 434·8 = 3472, grads 3472, x 24·8 = 192, t 2·8 = 16,
//   layer 1 z/a/dz 3·16·8 = 384, layer 2 z/a/dz 3·16 = 48 (2·8 = 16 each), scratch 4·8 = 32,
//   stats 16·8 = 128  →  3472+3472+192+16+384+48+32+128 = 7744.
import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../../src/core/index.ts";
import { ALIGN_BYTES } from "../../src/core/layout.ts";
import { createNetwork } from "./support.ts";

type Row = [inputs: number, units: number[], optimizer: "sgd" | "momentum" | "adam", precision: "f64" | "f32", batch: number, bytes: number, params: number];

const PINNED: Row[] = [
  [2, [2, 2], "sgd", "f64", 1, 480, 12],
  [24, [16, 2], "sgd", "f64", 1, 7744, 434],
  [24, [16, 2], "adam", "f32", 8, 9680, 434],
  [64, [32, 8], "momentum", "f64", 1, 57952, 2344],
  [784, [100, 10], "sgd", "f64", 1, 1281312, 79510],
  [784, [100, 10], "adam", "f32", 32, 1416208, 79510],
  [3, [5], "sgd", "f32", 1, 448, 20],
];

function spec([inputs, units, opt, precision, batchSize]: Row): NetworkSpec {
  return {
    inputs,
    layers: units.map((u) => ({ units: u, activation: "sigmoid" as const })),
    loss: "half-sse",
    optimizer: opt === "adam" ? { type: "adam", learningRate: 0.01 } : { type: "sgd", learningRate: 0.1, momentum: opt === "momentum" ? 0.9 : 0 },
    precision,
    batchSize,
    kernels: "ts",
  };
}

describe("arena size", () => {
  it.each(PINNED)("%i-%j %s %s batch %i: %i bytes, %i params", (...row) => {
    const net = createNetwork(spec(row));
    expect(net.bytes).toBe(row[5]);
    expect(net.params.length).toBe(row[6]);
    expect(net.grads.length).toBe(row[6]);
    // The memory is whole 64 KiB pages, at least the arena and less than one page more.
    expect(net.memory.buffer.byteLength).toBeGreaterThanOrEqual(net.bytes);
    expect(net.memory.buffer.byteLength - net.bytes).toBeLessThan(65536);
  });

  it.each(PINNED)("%i-%j %s %s batch %i: regions aligned, disjoint, and summing to bytes", (...row) => {
    const net = createNetwork(spec(row));
    const L = net.layout;
    const n = row[4];
    const e = L.elementBytes;
    const regions: [number, number][] = [
      [L.params * e, L.paramCount * e],
      [L.grads * e, L.paramCount * e],
      ...L.state.map((o): [number, number] => [o * e, L.paramCount * e]),
      [L.x * e, n * row[0] * e],
      [L.t * e, n * L.outputs * e],
      ...L.layers.flatMap((l): [number, number][] => [
        [l.z * e, n * l.nOut * e],
        [l.a * e, n * l.nOut * e],
        [l.dz * e, n * l.nOut * e],
      ]),
      [L.scratch * e, 4 * e],
      [L.statsByte, 16 * 8],
    ];
    let end = 0;
    let sum = 0;
    for (const [start, size] of regions) {
      expect(start % ALIGN_BYTES).toBe(0);
      expect(start).toBeGreaterThanOrEqual(end);
      end = start + size;
      sum += Math.ceil(size / ALIGN_BYTES) * ALIGN_BYTES;
    }
    expect(net.bytes).toBe(sum);
    // params are one contiguous view: per layer weights then biases
    let p = L.params;
    for (const l of L.layers) {
      expect(l.w).toBe(p);
      expect(l.b).toBe(p + l.nIn * l.nOut);
      p = l.b + l.nOut;
    }
    expect(p).toBe(L.params + L.paramCount);
  });
});
