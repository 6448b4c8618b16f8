import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/encode-hot.ts", import.meta.url));

describe("encodeFrameInto / encodeSamplesInto allocate nothing", () => {
  it("encode 200,000 frames (SAMPLES, INDEX, STATUS; t_us past 2^31) with zero GC events", async () => {
    const r = await countGcInChild(script, ["into"]);
    expect(r.output).toMatch(/encoding 200000 frames/);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC from encodeFrame, which returns a new array (the control)", async () => {
    const r = await countGcInChild(script, ["fresh"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
