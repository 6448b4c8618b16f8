// Zero GC in steady state for the part-two hot paths, each loop in a child process with Node's
// default heap flags (test/support/gc-count.ts): recurrent training (regular and randomized
// truncation, clipping through time), batch-norm training, inputGradient and jacobian into
// preallocated views. The allocating control (one small array per call) must see GC.
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./fixtures/gc-part-two.ts", import.meta.url));

const RUNS: [mode: string, n: number, kernels: string][] = [
  ["rnn", 30_000, "auto"],
  ["rnn", 10_000, "ts"],
  ["rnn-random", 20_000, "auto"],
  ["bn", 30_000, "auto"],
  ["bn", 10_000, "ts"],
  ["input-grad", 200_000, "auto"],
  ["jacobian", 50_000, "auto"],
];

describe("part two: allocation-free hot paths", () => {
  it.for(RUNS)("%s × %i (%s kernels) records zero GC events", async ([mode, n, kernels], { expect }) => {
    const result = await countGcInChild(script, [mode, String(n), kernels]);
    expect(result.output).toContain("refused 0 rolledBack 0");
    if (mode === "rnn-random") expect(result.output).not.toContain("truncations 0 ");
    expect(result.gc).toBe(0);
  });

  it("the same harness sees GC when the loop allocates one small array per call", async ({ expect }) => {
    const result = await countGcInChild(script, ["alloc", "400000", "auto"]);
    expect(result.output).toContain("kept 2 refused 0 rolledBack 0");
    expect(result.gc).toBeGreaterThan(0);
  });
});
