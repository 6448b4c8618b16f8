import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Simulator, type SimOptions } from "../../firmware-sim/index.ts";

function digest(opts: SimOptions): { vib: string; run: string; truth: string } {
  const sim = new Simulator(opts);
  const h = { vib: createHash("sha256"), run: createHash("sha256") };
  for (const c of sim.chunks()) h[c.board].update(c.bytes);
  return { vib: h.vib.digest("hex"), run: h.run.digest("hex"), truth: JSON.stringify(sim.jobs) };
}

describe("determinism", () => {
  it("same seed → identical bytes, truth and labels; another seed → different bytes", () => {
    const opts: SimOptions = { scenario: "mixed", jobs: 2, seed: 42, faults: { corruptFrameP: 0.01, loseChunkP: 0.01 } };
    const a = digest(opts);
    const b = digest(opts);
    expect(b).toEqual(a);
    const c = digest({ ...opts, seed: 43 });
    expect(c.vib).not.toBe(a.vib);
    expect(c.run).not.toBe(a.run);
    expect(c.truth).not.toBe(a.truth);
  });

  it("block size changes only how bytes are chunked, not the bytes", () => {
    const a = digest({ scenario: "good", jobs: 1, seed: 9, blockMs: 10 });
    const b = digest({ scenario: "good", jobs: 1, seed: 9, blockMs: 20 });
    expect(b.run).toBe(a.run);
    expect(b.vib).toBe(a.vib);
    expect(b.truth).toBe(a.truth);
  });
});
