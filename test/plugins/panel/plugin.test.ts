// The panel plugin under the host, on a mock Firmata board, with a real job log in a temp folder
// and fake timers: presses label the last job and reset the tip counter; a flagged job lights red
// and beeps its documented pattern; a vanished board is reported and reconnected while the rest of
// the controller keeps running.
import { existsSync } from "node:fs";
import five from "johnny-five";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPanelPlugin } from "../../../plugins/panel/index.ts";
import { fillTemplate, parsePattern } from "../../../plugins/panel/states.ts";
import type { PanelIO } from "../../../plugins/panel/panel-board.ts";
import { featureRevs, StreamKind } from "../../../src/controller/channels.ts";
import { definePlugin, z, type PluginContext } from "../../../src/runtime/index.ts";
import { JobLog, jobRecordChannel, type JobLogEntry } from "../../../src/store/index.ts";
import { hostOf } from "../../runtime/support/harness.ts";
import { entry, tempDb } from "../../store/support/records.ts";
import { MockPanelBoard } from "./support/mock-board.ts";
import { documentedStates } from "./support/readme-table.ts";

const PIN = { green: 5, amber: 6, red: 7, buzzer: 8, judder: 2, noJudder: 3, tipsChanged: 4 };
const doc = Object.fromEntries(documentedStates().map((d) => [d.state, d]));
const lcdOf = (state: string, v: Parameters<typeof fillTemplate>[1]) => [fillTemplate(doc[state].line1, v), fillTemplate(doc[state].line2, v)];

/** Stands in for the job tracker and (when given a log) the job-log plugin: job events, revolutions, ended jobs. */
function controller(log?: JobLog) {
  let ctx: PluginContext | null = null;
  const def = definePlugin({ name: "tracker", version: "1.0.0", host: "*", config: z.object({}), writes: [jobRecordChannel, featureRevs] }, (c) => {
    ctx = c;
    return {};
  });
  return {
    def,
    start(ordinal: number) {
      log?.startJob({ id: `job-${ordinal}`, ordinal });
      ctx!.jobs.emit({ type: "job.start", job: `job-${ordinal}`, boardUs: ordinal, data: { ordinal } });
    },
    revolution(lroUm: number) {
      const w = ctx!.channels.writer(featureRevs);
      const slot = w.claim();
      w.column("kind")[slot] = StreamKind.REV;
      w.column("lroUm")[slot] = lroUm;
      w.column("ok")[slot] = 1;
      w.publish();
    },
    end(e: JobLogEntry) {
      log?.endJob(e);
      expect(ctx!.channels.writer(jobRecordChannel).push(e)).toBe(true);
    },
  };
}

/** Lets johnny-five's next-tick "ready" and the host's microtasks run (immediates are real). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function press(io: MockPanelBoard, pin: number) {
  io.input(pin, 0);
  await vi.advanceTimersByTimeAsync(20); // johnny-five debounces 7 ms
  io.input(pin, 1);
  await vi.advanceTimersByTimeAsync(20);
}

describe("panel plugin (mock Firmata board, real job log)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the job, lights red and beeps on a flagged job, labels it and resets the tips from the buttons", async () => {
    const db = tempDb("panel");
    const log = JobLog.open(db);
    const ctl = controller(log);
    const io = new MockPanelBoard();
    const panel = createPanelPlugin({ openIO: () => () => io as unknown as PanelIO });
    const config = { io: "firmata", port: "/dev/ttyFAKE0", db, flashMs: 2000 };
    const { host } = await hostOf([ctl.def, { def: panel, config }]);
    await host.start();
    await settle();
    expect(io.lcd.lines()).toEqual(lcdOf("ready", { wear: 0, limit: 21 }));
    expect(io.level(PIN.green)).toBeGreaterThan(0);
    expect([io.level(PIN.amber), io.level(PIN.red)]).toEqual([0, 0]);

    ctl.start(1);
    ctl.revolution(61.24);
    await host.idle();
    expect(io.lcd.lines()).toEqual(lcdOf("measure", { job: 1, lro: 61.24 }));
    expect(io.level(PIN.amber)).toBeGreaterThan(0);
    expect(io.level(PIN.green)).toBe(0);

    // A flagged job with 21 cut passes: red, the judder beeps, then the tip prompt.
    const flagged = entry(1, 4, { passes: 21, judder: { p: 0.91, flag: true, source: "model", modelVersion: "j-1" }, measured: { rpm: 120, lroPreUm: 61.2, lroPostUm: 8 } });
    const t0 = Date.now();
    ctl.end(flagged);
    await host.idle();
    expect(io.level(PIN.red)).toBeGreaterThan(0);
    expect(io.level(PIN.amber)).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    // The buzzer line's level changes after the job end (repeated writes of one level are no change).
    const buzzer = io.writes.filter((w) => w.pin === PIN.buzzer);
    const beeps = buzzer.filter((w, i) => w.at >= t0 && w.value !== (i > 0 ? buzzer[i - 1].value : 0));
    const pattern = parsePattern(doc.judder.beep);
    const expected = [0, ...pattern.map((_, i) => pattern.slice(0, i + 1).reduce((a, b) => a + b, 0))];
    expect(beeps.map((w) => [w.at - t0, w.value])).toEqual(expected.map((t, i) => [t, i % 2 === 0 ? 1 : 0]));
    expect(io.lcd.lines()).toEqual([fillTemplate(doc.judder.line1, { p: 0.91 }), fillTemplate(doc["change-tips"].line2, { wear: 21 })]);

    // Technician confirms the judder, then changes his mind: both labels stored, source "panel".
    await press(io, PIN.judder);
    expect(io.lcd.lines()).toEqual(lcdOf("label-judder", { job: 1 }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(io.lcd.lines()[0]).toBe(fillTemplate(doc.judder.line1, { p: 0.91 }));
    await press(io, PIN.noJudder);
    expect(log.labelHistory("job-1").map((l) => [l.judder, l.source])).toEqual([
      [true, "panel"],
      [false, "panel"],
    ]);

    expect(log.tipWear().value).toBe(21);
    await press(io, PIN.tipsChanged);
    expect(log.tipWear().value).toBe(0);
    expect(io.lcd.lines()).toEqual(lcdOf("tips-reset", { limit: 21 }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(io.lcd.lines()).toEqual(lcdOf("judder", { p: 0.91, lro: 61.2 }));
    expect(host.metrics.value("panel.labels")).toBe(2);

    await host.stop();
    log.close();
  });

  it("a vanished board is reported and reopened with backoff; the controller keeps running", async () => {
    const db = tempDb("panel");
    const log = JobLog.open(db);
    const ctl = controller(log);
    const boards: MockPanelBoard[] = [];
    let opens = 0;
    const open = () => {
      opens++;
      if (opens === 2) throw new Error("cannot open /dev/ttyFAKE0: No such file or directory");
      const b = new MockPanelBoard();
      boards.push(b);
      return b as unknown as PanelIO;
    };
    const panel = createPanelPlugin({ openIO: () => open });
    const config = { io: "firmata", port: "/dev/ttyFAKE0", db, flashMs: 100, reconnect: { initialMs: 500, maxMs: 4000 } };
    const { host } = await hostOf([ctl.def, { def: panel, config }]);
    await host.start();
    await settle();
    expect(host.metrics.value("panel.connected")).toBe(1);

    // A finger on a button while the USB port goes away (firmata-io then emits "close"): johnny-five's
    // "hold" interval must not outlive the board, nor its board list grow with reconnects.
    const cache = (five.Board as unknown as { cache: Array<{ register: Array<{ pin?: unknown; on?: (e: string, f: () => void) => void }> }> }).cache;
    expect(cache).toHaveLength(1);
    const button = cache[0].register.find((c) => c.constructor.name === "Button" && c.pin === PIN.judder)!;
    let holds = 0;
    button.on!("hold", () => holds++);
    boards[0].input(PIN.judder, 0);
    await vi.advanceTimersByTimeAsync(20);
    boards[0].emit("close");
    await settle();
    expect(host.metrics.value("panel.connected")).toBe(0);
    expect(host.metrics.value("panel.losses")).toBe(1);

    // The controller goes on: a job starts while the panel is gone.
    ctl.start(2);
    await host.idle();
    expect(host.plugins().map((p) => [p.name, p.status])).toEqual([
      ["tracker", "running"],
      ["panel", "running"],
    ]);

    await vi.advanceTimersByTimeAsync(499);
    expect(opens).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // 500 ms: the port is not back yet
    await settle();
    expect(opens).toBe(2);
    expect(host.metrics.value("panel.losses")).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(opens).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // 1000 ms more: back
    await settle();
    expect(opens).toBe(3);
    expect(host.metrics.value("panel.connected")).toBe(1);
    expect(cache).toHaveLength(1);
    // The new board shows where the controller is now.
    expect(boards[1].lcd.lines()).toEqual(lcdOf("measure", { job: 2, lro: null }));
    expect(boards[1].level(PIN.amber)).toBeGreaterThan(0);
    expect(holds).toBe(0); // released when the board went (held 20 ms, holdtime 500 ms)
    const afterReconnect = holds;
    await vi.advanceTimersByTimeAsync(3000);
    expect(holds).toBe(afterReconnect);

    await host.stop();
    log.close();
  });

  it("runs without a job log at its path, refuses presses until the job-log plugin has made it", async () => {
    const db = tempDb("panel");
    const io = new MockPanelBoard();
    const panel = createPanelPlugin({ openIO: () => () => io as unknown as PanelIO });
    const ctl = controller();
    const { host } = await hostOf([ctl.def, { def: panel, config: { io: "firmata", port: "/dev/ttyFAKE0", db, tipPollMs: 100 } }]);
    await host.start();
    await settle();
    ctl.end(entry(1));
    await host.idle();
    await press(io, PIN.judder);
    expect(host.metrics.value("panel.presses")).toBe(1);
    expect(host.metrics.value("panel.labels")).toBe(0);
    expect(existsSync(db)).toBe(false); // the panel never creates the log

    const log = JobLog.open(db); // the job-log plugin's start
    log.endJob(entry(1));
    await press(io, PIN.judder);
    expect(log.labelHistory("job-1").map((l) => [l.judder, l.source])).toEqual([[true, "panel"]]);
    expect(host.plugins().find((p) => p.name === "panel")?.status).toBe("running");
    await host.stop();
    log.close();
  });
});
