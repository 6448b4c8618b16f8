// The per-job estimate step (JobInputs → observe → predictInto, for judder, residual-runout and an
// Ra-like network on ln t) and the learning step (learnFrom: the new sample, 8 replay steps, the rollback guard
// and its checkpoints) allocate nothing: counted in a child process (test/support/gc-count.ts),
// with an allocating control that must see GC. (Two fixes made the learning step zero: the
// normaliser's clamp no longer boxes z, and the networks use the TypeScript kernels, whose step
// passes only small integers whatever the number of networks in the process.)
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/learn-hot.ts", import.meta.url));

describe("learning GC", () => {
  it("2,000 jobs of inputs → observe → predict (three networks: judder, residual runout, Ra on ln t) see no GC", async () => {
    const r = await countGcInChild(script, ["predict"]);
    expect(r.gc).toBe(0);
  });
  it("the same loop copying each job's inputs into a fresh array does see GC (the harness can fail)", async () => {
    const r = await countGcInChild(script, ["copy"]);
    expect(r.gc).toBeGreaterThan(0);
  });
  it("2,000 labelled jobs with learning (replay 8 steps, guard, checkpoints; three networks) see no GC", async () => {
    const r = await countGcInChild(script, ["learn"]);
    expect(r.gc).toBe(0);
  });
  it("the same from a prior, whose learning rate follows its running losses (priorTrust), sees no GC", async () => {
    const r = await countGcInChild(script, ["learn-prior"]);
    expect(r.gc).toBe(0);
    // The learning rate did switch (setLearningRate ran) in the measured loop.
    expect(Number(/trust switches: (\d+)/.exec(r.output)?.[1])).toBeGreaterThan(0);
  });
});
