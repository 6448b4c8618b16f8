// Training on the WASM SIMD kernels allocates nothing: in a child process with Node's default heap
// flags, a PerformanceObserver sees zero GC events during the loop; the same loop plus one small
// array per step must see GC, so the test can fail.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { countGcInChild } from "../support/gc-count.ts";

const loop = fileURLToPath(new URL("./kernels-wasm-gc-loop.ts", import.meta.url));

describe("WASM training loop is allocation-free", () => {
  it("1,000,000 batch-1 SGD steps of 24-16-2: zero GC", async () => {
    const r = await countGcInChild(loop, ["sgd", "1000000"]);
    expect(r.output).toContain("kernels wasm-simd");
    expect(r.output).toContain("rolledBack 0");
    expect(r.gc).toBe(0);
  });

  it("2,000 batch-8 Adam steps of 784-100-10 with clipping: zero GC", async () => {
    const r = await countGcInChild(loop, ["adam-b8", "2000"]);
    expect(r.output).toContain("kernels wasm-simd");
    expect(r.gc).toBe(0);
  });

  it("the same loop allocating one array per step is seen to collect", async () => {
    const r = await countGcInChild(loop, ["alloc", "1000000"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
