import { describe, expect, it } from "vitest";
import { MetricRegistry } from "../../src/runtime/metrics.ts";

describe("metrics", () => {
  it("scopes names per plugin and returns the same metric when asked twice", () => {
    const reg = new MetricRegistry();
    const a = reg.scoped("a");
    a.counter("frames").inc();
    a.counter("frames").inc(2);
    reg.scoped("a.b").counter("frames").inc(10);
    a.gauge("rpm").set(812.5);
    expect(reg.value("a.frames")).toBe(3);
    expect(reg.value("a.b.frames")).toBe(10);
    expect(reg.value("a.rpm")).toBe(812.5);
    expect(reg.value("a.nothing")).toBeUndefined();
  });

  it("refuses dotted names (one plugin could otherwise name another's metric) and type clashes", () => {
    const a = new MetricRegistry().scoped("a");
    expect(() => a.counter("b.frames")).toThrow(/no dots/);
    a.counter("x");
    expect(() => a.gauge("x")).toThrow(/already exists as another type/);
  });

  it("histograms count into fixed buckets (upper bounds inclusive) plus an overflow bucket", () => {
    const reg = new MetricRegistry();
    const h = reg.scoped("f").histogram("latency_ms", [1, 5, 10]);
    for (const v of [0.5, 1, 2, 5, 7, 10, 11, 300]) h.observe(v);
    expect([...h.counts]).toEqual([2, 2, 2, 2]);
    expect(h.count).toBe(8);
    expect(h.sum).toBe(336.5);
    expect(reg.snapshot()).toEqual([
      { type: "histogram", name: "f.latency_ms", count: 8, sum: 336.5, buckets: [
        { le: 1, count: 2 }, { le: 5, count: 2 }, { le: 10, count: 2 }, { le: Infinity, count: 2 },
      ] },
    ]);
    expect(() => reg.scoped("f").histogram("bad", [5, 1])).toThrow(/ascend/);
  });
});
