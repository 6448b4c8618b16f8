// The health plugin reads boards.vib / boards.run on every burst of samples: that path (drain,
// stamp the arrival, take the decoder counters) allocates nothing.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/health-hot.ts", import.meta.url));

describe("health plugin's per-burst path", () => {
  it("200,000 bursts of 16 samples cause zero GC in a child process", async () => {
    const { gc, ms } = await countGcInChild(script);
    expect(gc).toBe(0);
    expect(ms).toBeGreaterThan(0);
  });

  it("the same harness sees GC when each burst builds a string", async () => {
    const { gc } = await countGcInChild(script, ["alloc"]);
    expect(gc).toBeGreaterThan(0);
  });
});
