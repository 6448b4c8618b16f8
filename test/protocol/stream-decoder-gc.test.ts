import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/stream-decode-hot.ts", import.meta.url));

describe("StreamDecoder allocates nothing in steady state", () => {
  it("decodes 60 passes over 30 s of both boards' streams with zero GC events", async () => {
    const r = await countGcInChild(script, ["stream"]);
    expect(r.output).toMatch(/decoding \d+\.\d MB/);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC from the object-per-frame decoder (the control)", async () => {
    const r = await countGcInChild(script, ["objects"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
