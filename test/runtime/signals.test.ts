import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { stopOnSignals } from "../../src/runtime/signals.ts";

describe("stopOnSignals", () => {
  it("SIGTERM stops the host once; a second signal during a slow stop forces exit", async () => {
    const source = new EventEmitter();
    let finish: () => void = () => undefined;
    let stops = 0;
    let forced = 0;
    const host = { stop: () => { stops++; return new Promise<void>((r) => (finish = r)); } };
    const { stopped } = stopOnSignals(host, source, () => forced++);
    source.emit("SIGTERM");
    expect(stops).toBe(1);
    source.emit("SIGINT");
    expect(forced).toBe(1);
    finish();
    expect(await stopped).toBe("SIGTERM");
    expect(source.listenerCount("SIGINT") + source.listenerCount("SIGTERM")).toBe(0);
  });

  it("dispose() unhooks without stopping", () => {
    const source = new EventEmitter();
    let stops = 0;
    const { dispose } = stopOnSignals({ stop: async () => void stops++ }, source, () => undefined);
    dispose();
    source.emit("SIGINT");
    expect(stops).toBe(0);
    expect(source.listenerCount("SIGINT")).toBe(0);
  });
});
