// Proof that the hot path allocates nothing: each loop runs in a child process with Node's default
// heap flags and a PerformanceObserver on 'gc' (test/support/gc-count.ts). A loop that allocates
// even one small array per step must show GC events, so these tests can fail.
// The net is 24-16-2 (sigmoid, half-sse); see fixtures/gc-hot-loop.ts for each mode.
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./fixtures/gc-hot-loop.ts", import.meta.url));

describe.each(["ts", "auto"])("allocation-free hot path (%s kernels)", (kernels) => {
  it.for([
    ["train", 1_000_000],
    ["train-b8", 100_000],
    ["forward", 1_000_000],
    ["adam", 100_000],
  ] as const)("%s × %i records zero GC events", async ([mode, n], { expect }) => {
    const result = await countGcInChild(script, [mode, String(n), kernels]);
    expect(result.output).toContain("refused 0 rolledBack 0");
    expect(result.gc).toBe(0);
  });
});

it("the same harness sees GC when the loop allocates one small array per step", async ({ expect }) => {
  const result = await countGcInChild(script, ["alloc", "200000", "auto"]);
  expect(result.output).toContain("refused 0 rolledBack 0");
  expect(result.gc).toBeGreaterThan(0);
});
