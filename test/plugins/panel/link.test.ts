// PanelLink on its own, fake timers: a passive piezo gets 50 % PWM for each tone of a pattern and
// nothing between; a pattern started while another plays replaces it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configSchema } from "../../../plugins/panel/config.ts";
import { PanelLink } from "../../../plugins/panel/panel-link.ts";
import type { PanelIO } from "../../../plugins/panel/panel-board.ts";
import { parsePattern } from "../../../plugins/panel/states.ts";
import { MockPanelBoard } from "./support/mock-board.ts";
import { documentedStates } from "./support/readme-table.ts";

const doc = Object.fromEntries(documentedStates().map((d) => [d.state, d]));
const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };

async function connected(config: ReturnType<typeof configSchema.parse>) {
  const io = new MockPanelBoard();
  let ready!: () => void;
  const up = new Promise<void>((r) => (ready = r));
  const link = new PanelLink(() => io as unknown as PanelIO, config, timers, { onConnected: () => ready(), onLost: () => undefined, onPress: () => undefined });
  link.start();
  await up;
  return { io, link };
}

/** [ms since t0, level] of each change of `pin` from t0 on. */
function trace(io: MockPanelBoard, pin: number, t0: number): Array<[number, number]> {
  const w = io.writes.filter((x) => x.pin === pin);
  return w.filter((x, i) => x.at >= t0 && x.value !== (i > 0 ? w[i - 1].value : 0)).map((x) => [x.at - t0, x.value]);
}

describe("panel link: beeps", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] }));
  afterEach(() => void vi.useRealTimers());

  it("a piezo on a PWM pin gets 50 % duty for each tone of the alarm pattern", async () => {
    const { io, link } = await connected(configSchema.parse({ buzzer: { kind: "piezo" }, pins: { buzzer: 9 } }));
    const t0 = Date.now();
    link.beep(doc.alarm.beep);
    await vi.advanceTimersByTimeAsync(5000);
    const steps = parsePattern(doc.alarm.beep);
    let t = 0;
    const expected: Array<[number, number]> = [];
    steps.forEach((ms, i) => {
      expected.push([t, i % 2 === 0 ? 128 : 0]);
      t += ms;
    });
    expected.push([t, 0]);
    expect(trace(io, 9, t0)).toEqual(expected);
    link.stop();
  });

  it("a new pattern replaces one still playing, and the buzzer ends silent", async () => {
    const { io, link } = await connected(configSchema.parse({}));
    const t0 = Date.now();
    link.beep(doc.alarm.beep); // 500 on …
    await vi.advanceTimersByTimeAsync(100);
    link.beep(doc.good.beep); // … cut short: off, then 150 on
    await vi.advanceTimersByTimeAsync(5000);
    expect(trace(io, 8, t0)).toEqual([[0, 1], [100, 0], [100, 1], [250, 0]]);
    link.stop();
  });
});
