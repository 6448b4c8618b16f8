// The per-job estimate step (JobInputs → observe → predictInto, for the judder and residual-runout
// networks) allocates nothing: counted in a child process (test/support/gc-count.ts), with an
// allocating control that must see GC. The learning step (learnFrom) is NOT yet proven
// allocation-free: 1–6 scavenges per 2,000 labelled jobs of the two networks (see the README's
// Learning section); the last test pins that it stays small, it does not claim zero.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/learn-hot.ts", import.meta.url));

describe("learning GC", () => {
  it("2,000 jobs of inputs → observe → predict (two networks) see no GC", async () => {
    const r = await countGcInChild(script, ["predict"]);
    expect(r.gc).toBe(0);
  });
  it("the same loop copying each job's inputs into a fresh array does see GC (the harness can fail)", async () => {
    const r = await countGcInChild(script, ["copy"]);
    expect(r.gc).toBeGreaterThan(0);
  });
  it("2,000 labelled jobs with learning (replay 8 steps, guard) stay under 10 scavenges", async () => {
    const r = await countGcInChild(script, ["learn"]);
    expect(r.gc).toBeLessThan(10);
  });
});
