// The per-revolution path (tracker → assembler → record builder) allocates nothing in steady state:
// counted in a child process; the same harness sees GC when each revolution allocates.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countGcInChild } from "../support/gc-count.ts";

const script = fileURLToPath(new URL("./gc/revolution-path-hot.ts", import.meta.url));

describe("per-revolution path", () => {
  it("runs 400 revolutions (160 s of both boards) with zero GC; an allocating control sees GC", async () => {
    const [hot, control] = await Promise.all([countGcInChild(script, ["reuse"]), countGcInChild(script, ["alloc"])]);
    expect(hot.gc, hot.output).toBe(0);
    expect(control.gc).toBeGreaterThan(0);
  });
});
