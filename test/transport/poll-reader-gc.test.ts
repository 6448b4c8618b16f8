import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/poll-reader-hot.ts", import.meta.url));

describe("poll reader", () => {
  it("reads and decodes chunk after chunk with zero GC (~25 MB), while the same loop keeping copies does GC", async () => {
    const [clean, dirty] = await Promise.all([countGcInChild(script), countGcInChild(script, ["alloc"])]);
    expect(dirty.gc).toBeGreaterThan(0);
    expect(clean.gc).toBe(0);
  });
});
