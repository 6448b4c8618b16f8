import { describe, expect, it } from "vitest";
import { ChannelRegistry } from "../../src/runtime/channels/registry.ts";
import { DeliveryScheduler } from "../../src/runtime/channels/scheduler.ts";
import { numericChannel, objectChannel, type ChannelSpec } from "../../src/runtime/channels/spec.ts";
import type { NumericReader, NumericWriter, ObjectReader, ObjectWriter } from "../../src/runtime/channels/endpoints.ts";
import { RuntimeError } from "../../src/runtime/errors.ts";

function registry(spec: ChannelSpec, failures: Array<[string, unknown]> = []) {
  const reg = new ChannelRegistry(new DeliveryScheduler((owner, err) => failures.push([owner, err])));
  reg.create(spec, "producer");
  return reg;
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe("numeric channel (struct-of-arrays ring)", () => {
  const spec = numericChannel("t.samples", { fields: ["t", "x"], capacity: 4, policy: "drop-oldest" });

  it("delivers rows in order to each reader through its own cursor", () => {
    const reg = registry(spec);
    const w = reg.writer("t.samples") as NumericWriter<"t" | "x">;
    const a = reg.reader("a", "t.samples").facade as NumericReader<"t" | "x">;
    w.writeRow([1, 10]);
    w.writeRow([2, 20]);
    const b = reg.reader("b", "t.samples").facade as NumericReader<"t" | "x">;
    w.writeRow([3, 30]);
    const row = new Float64Array(2);
    const seenA: number[] = [];
    while (a.readRow(row)) seenA.push(row[0], row[1]);
    expect(seenA).toEqual([1, 10, 2, 20, 3, 30]);
    // b attached after two writes: it starts at the newest position.
    const x = b.column("x");
    const slots: number[] = [];
    for (let i = b.next(); i >= 0; i = b.next()) slots.push(x[i]);
    expect(slots).toEqual([30]);
    expect(a.available()).toBe(0);
  });

  it("claim/publish fills columns in place", () => {
    const reg = registry(spec);
    const w = reg.writer("t.samples") as NumericWriter<"t" | "x">;
    const r = reg.reader("a", "t.samples").facade as NumericReader<"t" | "x">;
    const t = w.column("t");
    const xs = w.column("x");
    const slot = w.claim();
    t[slot] = 7;
    xs[slot] = 70;
    expect(r.available()).toBe(0); // not visible before publish
    w.publish();
    const i = r.next();
    expect([r.column("t")[i], r.column("x")[i]]).toEqual([7, 70]);
  });

  it("drop-oldest: a slow reader loses the oldest items and counts them; capacity never grows", () => {
    const reg = registry(spec);
    const w = reg.writer("t.samples") as NumericWriter<"t" | "x">;
    const slow = reg.reader("slow", "t.samples").facade as NumericReader<"t" | "x">;
    const fast = reg.reader("fast", "t.samples").facade as NumericReader<"t" | "x">;
    const row = new Float64Array(2);
    for (let i = 1; i <= 10; i++) {
      expect(w.writeRow([i, i * 10])).toBe(true);
      expect(fast.readRow(row)).toBe(true);
      expect(row[0]).toBe(i);
    }
    expect(slow.available()).toBe(4);
    expect(slow.dropped).toBe(6);
    const got: number[] = [];
    while (slow.readRow(row)) got.push(row[0]);
    expect(got).toEqual([7, 8, 9, 10]);
    expect(slow.dropped).toBe(6);
    expect(fast.dropped).toBe(0);
    expect(w.column("t").length).toBe(4);
    const report = reg.report()[0];
    expect(report.written).toBe(10);
    expect(report.readers).toEqual([
      { plugin: "slow", dropped: 6, unread: 0 },
      { plugin: "fast", dropped: 0, unread: 0 },
    ]);
  });

  it("rejects a reader's unknown field with the channel's fields in the message", () => {
    const reg = registry(spec);
    const r = reg.reader("a", "t.samples").facade as NumericReader<string>;
    expect(() => r.column("y")).toThrow(/no field 'y' \(fields: t, x\)/);
  });
});

describe("object channel policies", () => {
  it("reject: refuses writes while a reader is a full ring behind, counts them, loses nothing", async () => {
    const spec = objectChannel<{ n: number }>("t.jobs", { capacity: 2, policy: "reject" });
    const reg = registry(spec);
    const w = reg.writer("t.jobs") as ObjectWriter<{ n: number }>;
    const r = reg.reader("a", "t.jobs").facade as ObjectReader<{ n: number }>;
    expect(w.push({ n: 1 })).toBe(true);
    expect(w.push({ n: 2 })).toBe(true);
    expect(w.push({ n: 3 })).toBe(false);
    expect(w.push({ n: 4 })).toBe(false);
    expect(w.stats().rejected).toBe(2);
    let writable = false;
    const wait = w.whenWritable().then(() => (writable = true));
    await flush();
    expect(writable).toBe(false);
    expect(r.shift()).toEqual({ n: 1 });
    await wait;
    expect(writable).toBe(true);
    expect(w.push({ n: 3 })).toBe(true);
    expect([r.shift(), r.shift(), r.shift()]).toEqual([{ n: 2 }, { n: 3 }, undefined]);
    expect(r.dropped).toBe(0);
  });

  it("error: a write that would overwrite unread data throws EP_ERR_CHANNEL_FULL", () => {
    const spec = objectChannel<number>("t.strict", { capacity: 3, policy: "error" });
    const reg = registry(spec);
    const w = reg.writer("t.strict") as ObjectWriter<number>;
    reg.reader("a", "t.strict");
    for (let i = 0; i < 3; i++) w.push(i);
    let err: unknown;
    try {
      w.push(3);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe("EP_ERR_CHANNEL_FULL");
  });

  it("a detached (disabled) reader no longer holds back a reject channel", () => {
    const spec = objectChannel<number>("t.held", { capacity: 1, policy: "reject" });
    const reg = registry(spec);
    const w = reg.writer("t.held") as ObjectWriter<number>;
    reg.reader("dead", "t.held");
    expect(w.push(1)).toBe(true);
    expect(w.push(2)).toBe(false);
    reg.detachPlugin("dead");
    expect(w.push(2)).toBe(true);
  });
});

describe("delivery to handlers", () => {
  it("calls a reader's handler once per burst, after the writer's synchronous work", async () => {
    const spec = objectChannel<number>("t.burst", { capacity: 8 });
    const reg = registry(spec);
    const w = reg.writer("t.burst") as ObjectWriter<number>;
    const h = reg.reader("a", "t.burst");
    const calls: number[][] = [];
    h.ring.handler = () => {
      const got: number[] = [];
      for (let v = (h.facade as ObjectReader<number>).shift(); v !== undefined; v = (h.facade as ObjectReader<number>).shift()) got.push(v);
      calls.push(got);
    };
    w.push(1);
    w.push(2);
    w.push(3);
    expect(calls).toEqual([]);
    await flush();
    expect(calls).toEqual([[1, 2, 3]]);
    w.push(4);
    await flush();
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it("charges a throwing or rejecting handler to its owner and keeps delivering to others", async () => {
    const failures: Array<[string, unknown]> = [];
    const spec = objectChannel<number>("t.faulty", { capacity: 8 });
    const reg = registry(spec, failures);
    const w = reg.writer("t.faulty") as ObjectWriter<number>;
    const bad = reg.reader("bad", "t.faulty");
    const worse = reg.reader("worse", "t.faulty");
    const good = reg.reader("good", "t.faulty");
    bad.ring.handler = () => {
      throw new Error("boom");
    };
    worse.ring.handler = () => Promise.reject(new Error("async boom"));
    const got: number[] = [];
    good.ring.handler = () => {
      for (let v = (good.facade as ObjectReader<number>).shift(); v !== undefined; v = (good.facade as ObjectReader<number>).shift()) got.push(v);
    };
    w.push(5);
    await flush();
    expect(got).toEqual([5]);
    expect(failures.map(([o, e]) => [o, (e as Error).message])).toEqual([
      ["bad", "boom"],
      ["worse", "async boom"],
    ]);
  });

  it("a handler feeding its own input runs once per microtask, not in a loop inside one drain", async () => {
    const spec = objectChannel<number>("t.loop", { capacity: 4 });
    const reg = registry(spec);
    const w = reg.writer("t.loop") as ObjectWriter<number>;
    const h = reg.reader("a", "t.loop");
    let runs = 0;
    h.ring.handler = () => {
      runs++;
      (h.facade as ObjectReader<number>).shift();
      if (runs < 3) w.push(runs);
    };
    w.push(0);
    await flush();
    expect(runs).toBe(3);
  });
});

describe("channel descriptors", () => {
  it("validate capacity, policy, fields and name", () => {
    expect(() => numericChannel("a", { fields: ["x"], capacity: 0 })).toThrow(/capacity must be an integer >= 1, got 0/);
    expect(() => objectChannel("a", { policy: "block" as never })).toThrow(/policy must be one of drop-oldest, reject, error/);
    expect(() => numericChannel("a", { fields: ["x", "x"] })).toThrow(/distinct/);
    expect(() => objectChannel("a b")).toThrow(/channel name/);
    expect(Object.isFrozen(numericChannel("a", { fields: ["x"] }))).toBe(true);
  });
});
