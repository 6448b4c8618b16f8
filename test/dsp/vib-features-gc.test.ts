import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/vib-features-hot.ts", import.meta.url));

describe("per-revolution features allocate nothing after construction", () => {
  it("VIB features, synchronous averages, summaries, runout fit and wander over 1,000 revolutions, then 40,000 short ones: zero GC events", async () => {
    const r = await countGcInChild(script, ["reuse"]);
    expect(r.output).toMatch(/features of 1000 revolutions and 40000 short ones/);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC when VibFeatures is built per revolution (the control)", async () => {
    const r = await countGcInChild(script, ["fresh"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
