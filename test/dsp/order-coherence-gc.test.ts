import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/order-coherence-hot.ts", import.meta.url));

describe("OrderCoherence and RobustOrders allocate nothing after construction", () => {
  it("400 jobs of 24 revolutions see no GC", async () => {
    const r = await countGcInChild(script, ["reuse"]);
    expect(r.output).toMatch(/analysing 400 jobs/);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC when the analysers are built per job (the control)", async () => {
    const r = await countGcInChild(script, ["fresh"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
