import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/hot-channel.ts", import.meta.url));

describe("hot numeric channel allocates nothing", () => {
  it("1M writes + reads + metric updates cause zero GC in a child process", async () => {
    const { gc, ms } = await countGcInChild(script);
    expect(gc).toBe(0);
    expect(ms).toBeGreaterThan(0);
  });

  it("the same harness sees GC when the producer allocates a row per write", async () => {
    const { gc } = await countGcInChild(script, ["alloc"]);
    expect(gc).toBeGreaterThan(0);
  });
});
