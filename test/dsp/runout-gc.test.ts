import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/runout-hot.ts", import.meta.url));

describe("RunoutFit allocates nothing after construction", () => {
  it("fits 60,000 revolutions with zero GC events", async () => {
    const r = await countGcInChild(script, ["reuse"]);
    expect(r.output).toMatch(/fitting 60000 revolutions/);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC when a fit is built per revolution (the control)", async () => {
    const r = await countGcInChild(script, ["fresh"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});

const lineScript = fileURLToPath(new URL("./gc/nonsync-line-hot.ts", import.meta.url));

describe("NonSyncLine → RunoutFit with a line allocates nothing after construction", () => {
  it("360 revolutions with a line (searches and estimates) with zero GC events", async () => {
    const r = await countGcInChild(lineScript, ["reuse"]);
    expect(r.output).toMatch(/fitting 360 revolutions, line active in (\d+)/);
    expect(Number(/line active in (\d+)/.exec(r.output)![1])).toBeGreaterThan(100);
    expect(r.gc).toBe(0);
  });

  it("the same harness sees GC when a NonSyncLine is built per revolution (the control)", async () => {
    const r = await countGcInChild(lineScript, ["fresh"]);
    expect(r.gc).toBeGreaterThan(0);
  });
});
