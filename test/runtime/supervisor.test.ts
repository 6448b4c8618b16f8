import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { objectChannel } from "../../src/runtime/channels/spec.ts";
import { createLogger } from "../../src/runtime/logger.ts";
import { definePlugin } from "../../src/runtime/plugin.ts";
import { hostOf, recordingTimers } from "./support/harness.ts";

const none = z.object({});
const ticks = objectChannel<number>("sup.ticks", { capacity: 64 });
const restart = { baseMs: 100, factor: 2, maxMs: 300, maxRestarts: 3, healthyMs: 10_000 };

/** Writes 1, 2, 3, … to `sup.ticks` every 10 ms through a ctx timer. */
const ticker = definePlugin({ name: "ticker", version: "1.0.0", host: "*", config: none, writes: [ticks] }, (ctx) => {
  const w = ctx.channels.writer(ticks);
  let n = 0;
  return { start: () => void ctx.timers.setInterval(() => void w.push(++n), 10) };
});

/** Counts every tick; keeps running whatever the others do. */
function healthy(seen: number[]) {
  return definePlugin({ name: "healthy", version: "1.0.0", host: "*", config: none, reads: [ticks] }, (ctx) => {
    ctx.channels.reader(ticks, (r) => {
      for (let v = r.shift(); v !== undefined; v = r.shift()) seen.push(v);
    });
    return {};
  });
}

/** Throws from its channel handler on every tick `failOn` says; records setups and stops. */
function flaky(log: string[], failOn: (v: number) => boolean) {
  return definePlugin({ name: "flaky", version: "1.0.0", host: "*", config: none, reads: [ticks] }, (ctx) => {
    log.push("setup");
    ctx.channels.reader(ticks, (r) => {
      for (let v = r.shift(); v !== undefined; v = r.shift()) if (failOn(v)) throw new Error(`bad tick ${v}`);
    });
    return { stop: () => void log.push("stop") };
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("supervision of running plugins", () => {
  it("restarts a plugin whose handler threw, after the base delay, while the others keep running", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const timers = recordingTimers();
    const { host, events } = await hostOf([ticker, healthy(seen), flaky(log, (v) => v === 3)], { restart }, { timers });
    await host.start();
    await vi.advanceTimersByTimeAsync(35);
    expect(log).toEqual(["setup", "stop"]);
    expect(host.plugins().find((p) => p.name === "flaky")).toMatchObject({ status: "restarting", failures: 1, restarts: 0 });
    const failed = events.find((e) => e.type === "plugin.failed")!;
    expect(failed).toMatchObject({ source: "flaky", message: "bad tick 3", data: { code: "EP_ERR_PLUGIN_CRASHED", consecutive: 1 } });
    expect(events.find((e) => e.type === "plugin.restarting")).toMatchObject({ data: { delayMs: 100, attempt: 1 } });
    expect(timers.delays).toContain(100);
    // failed at t=30 (tick 3); restart due at t=130
    await vi.advanceTimersByTimeAsync(94);
    expect(log).toEqual(["setup", "stop"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(["setup", "stop", "setup"]);
    expect(host.plugins().find((p) => p.name === "flaky")).toMatchObject({ status: "running", failures: 1, restarts: 1 });
    expect(host.metrics.value("host:flaky.failures")).toBe(1);
    expect(host.metrics.value("host:flaky.restarts")).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    await host.stop();
  });

  it("backs off 100, 200, 300 (capped) ms, then disables the plugin; the rest keep running", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const { host, events } = await hostOf([ticker, healthy(seen), flaky(log, () => true)], { restart });
    await host.start();
    await vi.advanceTimersByTimeAsync(2000);
    const delays = events.filter((e) => e.type === "plugin.restarting").map((e) => e.data.delayMs);
    expect(delays).toEqual([100, 200, 300]);
    expect(events.filter((e) => e.type === "plugin.failed").length).toBe(4);
    const disabled = events.find((e) => e.type === "plugin.disabled")!;
    expect(disabled).toMatchObject({ source: "flaky", data: { code: "EP_ERR_PLUGIN_DISABLED", failures: 4 } });
    expect(host.plugins().find((p) => p.name === "flaky")).toMatchObject({ status: "disabled", failures: 4, restarts: 3 });
    expect(host.metrics.value("host:flaky.disabled")).toBe(1);
    expect(host.metrics.value("host:events.plugin_failed")).toBe(4);
    expect(host.metrics.value("host:events.plugin_restarting")).toBe(3);
    expect(log).toEqual(["setup", "stop", "setup", "stop", "setup", "stop", "setup", "stop"]);
    expect(seen.length).toBe(200);
    expect(host.plugins().find((p) => p.name === "healthy")!.status).toBe("running");
    // The disabled plugin's reader is detached: it no longer appears on the channel.
    expect(host.channelReport()[0].readers.map((r) => r.plugin)).toEqual(["healthy"]);
    await host.stop();
    expect(log.at(-1)).toBe("stop"); // not stopped twice
    expect(log.length).toBe(8);
  });

  it("a plugin that ran healthyMs without failing starts its failure count again", async () => {
    const log: string[] = [];
    const fails = new Set([2, 40, 1100]);
    const { host, events } = await hostOf([ticker, flaky(log, (v) => fails.has(v))], { restart: { ...restart, healthyMs: 1000 } });
    await host.start();
    await vi.advanceTimersByTimeAsync(12_000);
    const attempts = events.filter((e) => e.type === "plugin.failed").map((e) => e.data.consecutive);
    // tick 2 → 1st; tick 40 comes < 1 s after the restart → 2nd in a row; tick 1100 is > 1 s later → 1 again
    expect(attempts).toEqual([1, 2, 1]);
    await host.stop();
  });

  it("fails a plugin on a throwing ctx timer and on reportError, and a failed restart counts too", async () => {
    let setups = 0;
    const timerThrows = definePlugin({ name: "timer-throws", version: "1.0.0", host: "*", config: none }, (ctx) => {
      setups++;
      if (setups === 2) throw new Error("setup failed on restart");
      ctx.timers.setTimeout(() => {
        throw new Error("timer boom");
      }, 50);
      return {};
    });
    const reporter = definePlugin({ name: "reporter", version: "1.0.0", host: "*", config: none }, (ctx) => ({
      start: () => void ctx.timers.setTimeout(() => ctx.reportError(new Error("stream error")), 20),
    }));
    const { host, events } = await hostOf([timerThrows, reporter], { restart });
    await host.start();
    await vi.advanceTimersByTimeAsync(50);
    const failed = events.filter((e) => e.type === "plugin.failed").map((e) => [e.source, e.message, e.data.consecutive]);
    expect(failed).toEqual([["reporter", "stream error", 1], ["timer-throws", "timer boom", 1]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(events.filter((e) => e.type === "plugin.failed").at(-1)).toMatchObject({
      source: "timer-throws",
      message: "plugin 'timer-throws' failed to start: setup failed on restart",
      data: { consecutive: 2 },
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(setups).toBe(3);
    expect(host.plugins().find((p) => p.name === "timer-throws")!.status).toBe("running");
    await host.stop();
  });

  it("a throwing job listener fails its own plugin, not the emitter; each step is logged", async () => {
    const lines: string[] = [];
    const { logger } = createLogger({ level: "info", console: { write: (l) => lines.push(l) } });
    let emitted = 0;
    const emitter = definePlugin({ name: "emitter", version: "1.0.0", host: "*", config: none }, (ctx) => ({
      start: () => void ctx.timers.setInterval(() => {
        emitted++;
        ctx.jobs.emit({ type: "job.start", job: `j${emitted}`, boardUs: emitted });
      }, 100),
    }));
    const listener = definePlugin({ name: "listener", version: "1.0.0", host: "*", config: none }, (ctx) => {
      ctx.jobs.on(() => {
        throw new Error("listener broke");
      });
      return {};
    });
    const { host, events } = await hostOf([emitter, listener], { restart }, { logger });
    await host.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(events.filter((e) => e.type === "plugin.failed").map((e) => [e.source, e.message])).toEqual([["listener", "listener broke"]]);
    await vi.advanceTimersByTimeAsync(300);
    expect(emitted).toBe(4);
    expect(host.plugins().find((p) => p.name === "emitter")).toMatchObject({ status: "running", failures: 0 });
    expect(lines.some((l) => / ERROR \[listener\] listener broke event=plugin.failed /.test(l))).toBe(true);
    expect(lines.some((l) => / WARN  \[listener\] restarting in 100 ms \(attempt 1\)/.test(l))).toBe(true);
    expect(lines.some((l) => / INFO  \[emitter\] job.start j1 /.test(l))).toBe(true);
    await host.stop();
  });

  it("host.stop() cancels a pending restart", async () => {
    const log: string[] = [];
    const { host } = await hostOf([ticker, flaky(log, (v) => v === 1)], { restart });
    await host.start();
    await vi.advanceTimersByTimeAsync(15);
    expect(host.plugins().find((p) => p.name === "flaky")!.status).toBe("restarting");
    await host.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(["setup", "stop"]);
  });
});
