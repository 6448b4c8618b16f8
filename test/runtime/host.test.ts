import { afterEach, describe, expect, it, vi } from "vitest";
import { numericChannel, objectChannel } from "../../src/runtime/channels/spec.ts";
import { RuntimeError } from "../../src/runtime/errors.ts";
import { definePlugin, type PluginContext } from "../../src/runtime/plugin.ts";
import { z } from "zod";
import { hostOf } from "./support/harness.ts";

const none = z.object({});

function tracer(log: string[], name: string, deps: string[] = []) {
  return definePlugin({ name, version: "1.0.0", host: "^0.1.0", config: none, dependencies: deps }, () => {
    log.push(`setup ${name}`);
    return {
      start: () => void log.push(`start ${name}`),
      stop: () => void log.push(`stop ${name}`),
    };
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("host start/stop", () => {
  it("starts in dependency order and stops in reverse, whatever the config order", async () => {
    const log: string[] = [];
    const { host, events } = await hostOf([
      tracer(log, "outputs", ["features", "source"]),
      tracer(log, "features", ["source"]),
      tracer(log, "source"),
      tracer(log, "standalone"),
    ]);
    expect(host.plugins().map((p) => p.name)).toEqual(["source", "standalone", "features", "outputs"]);
    await host.start();
    expect(log).toEqual([
      "setup source", "start source", "setup standalone", "start standalone",
      "setup features", "start features", "setup outputs", "start outputs",
    ]);
    expect(host.plugins().every((p) => p.status === "running")).toBe(true);
    log.length = 0;
    await host.stop();
    expect(log).toEqual(["stop outputs", "stop features", "stop standalone", "stop source"]);
    expect(host.plugins().every((p) => p.status === "stopped")).toBe(true);
    expect(events.map((e) => e.type).filter((t) => t.startsWith("plugin.stopped")).length).toBe(4);
    const started = events.find((e) => e.type === "plugin.started")!;
    expect(started).toMatchObject({ source: "source", message: "started source 1.0.0", data: {} });
    expect(typeof started.time).toBe("number");
    // stop() is idempotent
    await host.stop();
    expect(log.length).toBe(4);
  });

  it("times out a plugin that never starts, naming it, and stops the ones already started", async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const stuck = definePlugin({ name: "stuck", version: "1.0.0", host: "*", config: none, dependencies: ["first"] }, () => ({
      start: () => new Promise<void>(() => undefined),
    }));
    const { host, events } = await hostOf([tracer(log, "first"), stuck, tracer(log, "after", ["stuck"])], { startTimeoutMs: 250 });
    const started = host.start();
    const outcome = started.then(() => null, (e: unknown) => e);
    await vi.advanceTimersByTimeAsync(249);
    expect(host.plugins().find((p) => p.name === "stuck")!.status).toBe("starting");
    await vi.advanceTimersByTimeAsync(1);
    const err = (await outcome) as RuntimeError;
    expect(err.code).toBe("EP_ERR_PLUGIN_START_TIMEOUT");
    expect(err.plugin).toBe("stuck");
    expect(err.path).toBe("host.startTimeoutMs");
    expect(err.message).toBe("plugin 'stuck' did not start within 250 ms");
    expect(log).toEqual(["setup first", "start first", "stop first"]);
    expect(host.plugins().map((p) => [p.name, p.status])).toEqual([["first", "stopped"], ["stuck", "failed"], ["after", "loaded"]]);
    expect(events.find((e) => e.type === "plugin.start-failed")).toMatchObject({ source: "stuck", data: { code: "EP_ERR_PLUGIN_START_TIMEOUT" } });
  });

  it("a setup that settles after its timeout is stopped, and registers nothing", async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const spec = objectChannel<number>("late.in", { capacity: 4 });
    const writer = definePlugin({ name: "writer", version: "1.0.0", host: "*", config: none, writes: [spec] }, () => ({}));
    const late = definePlugin({ name: "late", version: "1.0.0", host: "*", config: none, reads: [spec], dependencies: ["writer"] }, async (ctx) => {
      await new Promise((r) => setTimeout(r, 500));
      ctx.channels.reader(spec, () => void log.push("handler"));
      ctx.timers.setInterval(() => log.push("tick"), 10);
      return { stop: () => void log.push("late stop") };
    });
    const { host } = await hostOf([writer, late], { startTimeoutMs: 100 });
    const outcome = host.start().catch((e: RuntimeError) => e.code);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBe("EP_ERR_PLUGIN_START_TIMEOUT");
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(["late stop"]);
  });

  it("a setup that throws fails start with EP_ERR_PLUGIN_START and the cause attached", async () => {
    const log: string[] = [];
    const bad = definePlugin({ name: "bad", version: "1.0.0", host: "*", config: none, dependencies: ["first"] }, () => {
      throw new Error("port busy");
    });
    const { host } = await hostOf([tracer(log, "first"), bad]);
    const err = (await host.start().catch((e: unknown) => e)) as RuntimeError;
    expect(err.code).toBe("EP_ERR_PLUGIN_START");
    expect(err.message).toBe("plugin 'bad' failed to start: port busy");
    expect((err.cause as Error).message).toBe("port busy");
    expect(log).toEqual(["setup first", "start first", "stop first"]);
  });

  it("a stop that hangs is timed out and reported; the others are still stopped", async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const hang = definePlugin({ name: "hang", version: "1.0.0", host: "*", config: none, dependencies: ["a"] }, () => ({
      stop: () => new Promise<void>(() => undefined),
    }));
    const { host, events } = await hostOf([tracer(log, "a"), hang], { stopTimeoutMs: 100 });
    await host.start();
    const stopping = host.stop();
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(log.at(-1)).toBe("stop a");
    expect(events.find((e) => e.type === "plugin.stop-failed")).toMatchObject({ source: "hang", data: { code: "EP_ERR_PLUGIN_STOP_TIMEOUT" } });
  });

  it("start() twice is a state error with a code", async () => {
    const { host } = await hostOf([tracer([], "a")]);
    await host.start();
    await expect(host.start()).rejects.toMatchObject({ code: "EP_ERR_HOST_STATE" });
    await host.stop();
  });

  it("stop flushes what a plugin holds: items buffered since the last flush reach the sink", async () => {
    const sink: number[][] = [];
    const spec = objectChannel<number>("counts", { capacity: 16 });
    const producer = definePlugin({ name: "producer", version: "1.0.0", host: "*", config: none, writes: [spec] }, (ctx) => {
      const w = ctx.channels.writer(spec);
      return { start: () => [1, 2, 3].forEach((n) => w.push(n)) };
    });
    const batcher = definePlugin(
      { name: "batcher", version: "1.0.0", host: "*", config: z.object({ batch: z.number().default(10) }), reads: [spec], dependencies: ["producer"] },
      (ctx, config) => {
        let held: number[] = [];
        ctx.channels.reader(spec, (r) => {
          for (let v = r.shift(); v !== undefined; v = r.shift()) held.push(v);
          if (held.length >= config.batch) sink.push(held.splice(0));
        });
        return { stop: () => void (held.length > 0 && sink.push(held), (held = [])) };
      },
    );
    const { host } = await hostOf([producer, batcher]);
    await host.start();
    await new Promise((r) => setTimeout(r, 0));
    expect(sink).toEqual([]);
    await host.stop();
    expect(sink).toEqual([[1, 2, 3]]);
  });
});

describe("host.idle()", () => {
  it("resolves only after a chain of handlers has passed every item along", async () => {
    const a = objectChannel<number>("idle.a", { capacity: 256 });
    const b = objectChannel<number>("idle.b", { capacity: 256 });
    const got: number[] = [];
    let release: () => void = () => undefined;
    const source = definePlugin({ name: "source", version: "1.0.0", host: "*", config: none, writes: [a] }, (ctx) => {
      const w = ctx.channels.writer(a);
      return { start: () => void new Promise<void>((r) => (release = r)).then(() => { for (let i = 0; i < 100; i++) w.push(i); }) };
    });
    const relay = definePlugin({ name: "relay", version: "1.0.0", host: "*", config: none, reads: [a], writes: [b] }, (ctx) => {
      const w = ctx.channels.writer(b);
      // An async handler: it takes what is waiting, then works a few event-loop turns before
      // passing it on, so the channels alone look drained while it works.
      ctx.channels.reader(a, async (r) => {
        const held: number[] = [];
        for (let v = r.shift(); v !== undefined; v = r.shift()) held.push(v);
        for (let turn = 0; turn < 3; turn++) await new Promise((done) => setImmediate(done));
        for (const v of held) w.push(v * 2);
      });
      return {};
    });
    const sink = definePlugin({ name: "sink", version: "1.0.0", host: "*", config: none, reads: [b] }, (ctx) => {
      ctx.channels.reader(b, (r) => {
        for (let v = r.shift(); v !== undefined; v = r.shift()) got.push(v);
      });
      return {};
    });
    const { host } = await hostOf([source, relay, sink]);
    await host.start();
    release();
    await host.idle();
    expect(got.length).toBe(100);
    expect(got[99]).toBe(198);
    await host.stop();
  });
});

describe("what ctx gives a plugin", () => {
  it("moves data only through channels, with the driving plugin's board time", async () => {
    const samples = numericChannel("s.samples", { fields: ["t", "v"], capacity: 8 });
    const seen: Array<[number, number, number]> = [];
    const source = definePlugin(
      { name: "source", version: "1.0.0", host: "*", config: none, writes: [samples], drivesClock: true },
      (ctx) => {
        const w = ctx.channels.writer(samples);
        return {
          start: () => {
            for (let i = 1; i <= 3; i++) {
              ctx.clock.advanceTo(i * 1000);
              w.writeRow([ctx.clock.nowUs(), i * 1.5]);
            }
          },
        };
      },
    );
    const sinkPlugin = definePlugin(
      { name: "sink", version: "1.0.0", host: "*", config: none, reads: [samples], dependencies: ["source"] },
      (ctx) => {
        const row = new Float64Array(2);
        ctx.channels.reader(samples, (r) => {
          while (r.readRow(row)) seen.push([row[0], row[1], ctx.clock.nowUs()]);
        });
        expect("advanceTo" in ctx.clock).toBe(false);
        return {};
      },
    );
    const { host } = await hostOf([sinkPlugin, source]);
    await host.start();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([[1000, 1.5, 3000], [2000, 3, 3000], [3000, 4.5, 3000]]);
    expect(host.channelReport()).toEqual([
      { name: "s.samples", kind: "numeric", capacity: 8, policy: "drop-oldest", writer: "source", written: 3, rejected: 0, readers: [{ plugin: "sink", dropped: 0, unread: 0 }] },
    ]);
    await host.stop();
  });

  it("is frozen, scoped and holds nothing of other plugins", async () => {
    const shared = objectChannel<{ n: number }>("iso.data", { capacity: 4 });
    const secret = objectChannel<number>("iso.secret", { capacity: 4 });
    const ctxs: Record<string, PluginContext<{ items: number[] }>> = {};
    const cfg = z.object({ items: z.array(z.number()) });
    const a = definePlugin({ name: "a", version: "1.0.0", host: "*", config: cfg, writes: [shared, secret] }, (ctx) => {
      ctxs.a = ctx;
      return {};
    });
    const b = definePlugin({ name: "b", version: "1.0.0", host: "*", config: cfg, reads: [shared] }, (ctx) => {
      ctxs.b = ctx;
      return {};
    });
    const { host } = await hostOf([{ def: a, config: { items: [1] } }, { def: b, config: { items: [1] } }]);
    await host.start();
    const { a: ca, b: cb } = ctxs;
    expect(Object.keys(cb).sort()).toEqual(["channels", "clock", "config", "dataDir", "jobs", "log", "metrics", "name", "reportError", "timers"]);
    expect(Object.isFrozen(cb)).toBe(true);
    expect(Object.isFrozen(cb.channels)).toBe(true);
    expect(() => {
      (cb as { name: string }).name = "a";
    }).toThrow(TypeError);
    // Each plugin gets its own deep-frozen copy of its config.
    expect(() => cb.config.items.push(2)).toThrow(TypeError);
    expect(ca.config).not.toBe(cb.config);
    // b may read what a shares, but not write it, nor read a's undeclared channel.
    expect(() => cb.channels.writer(shared)).toThrow(expect.objectContaining({ code: "EP_ERR_CHANNEL_UNDECLARED", plugin: "b" }));
    expect(() => cb.channels.reader(secret)).toThrow(expect.objectContaining({ code: "EP_ERR_CHANNEL_UNDECLARED" }));
    // Metrics are namespaced per plugin: the same name is two counters.
    ca.metrics.counter("items").inc(5);
    cb.metrics.counter("items").inc(1);
    expect(host.metrics.value("a.items")).toBe(5);
    expect(host.metrics.value("b.items")).toBe(1);
    expect(ca.dataDir.endsWith("/a")).toBe(true);
    // A reader facade is the only handle b has on the channel: no ring, cursor or writer in it.
    const r = cb.channels.reader(shared);
    expect(Object.keys(r).sort()).toEqual(["available", "dropped", "shift", "spec"]);
    await host.stop();
  });

  it("job events reach other plugins and the host as {type, time, source, message, data}", async () => {
    const heard: unknown[] = [];
    const tracker = definePlugin({ name: "tracker", version: "1.0.0", host: "*", config: none }, (ctx) => ({
      start: () => ctx.jobs.emit({ type: "job.start", job: "j1", boardUs: 42, data: { ordinal: 1 } }),
    }));
    const listener = definePlugin({ name: "listener", version: "1.0.0", host: "*", config: none }, (ctx) => {
      ctx.jobs.on((e) => heard.push(e));
      return {};
    });
    const { host, events } = await hostOf([listener, tracker], {}, { wallNow: () => 1_700_000_000_000 });
    await host.start();
    const expected = { type: "job.start", time: 1_700_000_000_000, source: "tracker", message: "job.start j1", data: { job: "j1", boardUs: 42, ordinal: 1 } };
    expect(heard).toEqual([expected]);
    expect(events).toContainEqual(expected);
    await host.stop();
  });
});
