// The IOs the config names, without a mock in between: the virtual panel as `run --sim` uses it
// (console lines and the `panel.state` channel), and firmata-io over serialport 13 on a port that
// is not there (reported, retried, the controller unharmed).
import { describe, expect, it, vi } from "vitest";
import { createPanelPlugin, panelStateChannel, type PanelConfig, type PanelSnapshot } from "../../../plugins/panel/index.ts";
import { VirtualPanelIO } from "../../../plugins/panel/virtual-io.ts";
import { featureRevs, StreamKind } from "../../../src/controller/channels.ts";
import { definePlugin, z, type PluginContext } from "../../../src/runtime/index.ts";
import { JobLog, jobRecordChannel } from "../../../src/store/index.ts";
import { hostOf } from "../../runtime/support/harness.ts";
import { entry, tempDb } from "../../store/support/records.ts";
import { documentedStates } from "./support/readme-table.ts";
import { fillTemplate } from "../../../plugins/panel/states.ts";
import { ioFactory } from "../../../plugins/panel/io-factory.ts";
import { FirmataDevice, firmataBinding } from "./support/firmata-device.ts";

const doc = Object.fromEntries(documentedStates().map((d) => [d.state, d]));

function controller() {
  let ctx: PluginContext | null = null;
  const seen: PanelSnapshot[] = [];
  const def = definePlugin(
    { name: "tracker", version: "1.0.0", host: "*", config: z.object({}), writes: [jobRecordChannel, featureRevs], reads: [panelStateChannel] },
    (c) => {
      ctx = c;
      c.channels.reader(panelStateChannel, (r) => {
        for (let s = r.shift(); s !== undefined; s = r.shift()) seen.push(s);
      });
      return {};
    },
  );
  return { def, seen, ctx: () => ctx!, revolution: (lroUm: number) => {
    const w = ctx!.channels.writer(featureRevs);
    const slot = w.claim();
    w.column("kind")[slot] = StreamKind.REV;
    w.column("lroUm")[slot] = lroUm;
    w.column("ok")[slot] = 1;
    w.publish();
  } };
}

describe("panel IOs", () => {
  it("virtual: the panel's state is printed and published on panel.state", async () => {
    const db = tempDb("panel");
    const log = JobLog.open(db);
    const ctl = controller();
    const printed: string[] = [];
    let virtual: VirtualPanelIO | null = null;
    const openIO = (c: PanelConfig) => {
      const make = ioFactory(c);
      return () => (virtual = make() as VirtualPanelIO);
    };
    const panel = createPanelPlugin({ openIO, out: { write: (s: string) => printed.push(s) } });
    const { host } = await hostOf([ctl.def, { def: panel, config: { io: "virtual", db } }]);
    await host.start();
    await vi.waitFor(() => expect(ctl.seen.at(-1)?.connected).toBe(true));

    log.startJob({ id: "job-1", ordinal: 1 });
    ctl.ctx().jobs.emit({ type: "job.start", job: "job-1", boardUs: 1, data: { ordinal: 1 } });
    ctl.revolution(44.4);
    await host.idle();
    const e = entry(1, 2, { judder: { p: 0.08, flag: false, source: "rule", modelVersion: null }, cutQuality: { lroPostUm: 7.5, raUm: 1.25, source: "model", modelVersion: "c-1" } });
    log.endJob(e);
    ctl.ctx().channels.writer(jobRecordChannel).push(e);
    await host.idle();

    const good = [fillTemplate(doc.good.line1, { p: 0.08, ra: 1.25 }), fillTemplate(doc.good.line2, { lro: 7.5 })];
    expect(ctl.seen.at(-1)).toMatchObject({ state: "good", led: "green", lines: good, beep: doc.good.beep, connected: true, tipWear: 0, tipChangeAt: 21 });
    expect(ctl.seen.map((s) => s.state)).toEqual(expect.arrayContaining(["ready", "measure", "good"]));
    // One console line per state (the runout changing within a second is not another line).
    expect(printed.filter((l) => l.includes(`|${fillTemplate(doc.measure.line1, { job: 1 })}|`))).toHaveLength(1);
    expect(printed.at(-1)).toBe(`[panel] green |${good[0]}|${good[1]}| beep ${doc.good.beep}\n`);

    // A finger on the virtual "no judder" button (pull-up: pressed reads LOW).
    virtual!.setInput(3, 0);
    await new Promise((r) => setTimeout(r, 30));
    virtual!.setInput(3, 1);
    await vi.waitFor(() => expect(log.labelHistory("job-1").map((l) => [l.judder, l.source])).toEqual([[false, "panel"]]));
    expect(virtual!.lcd.lines()).toEqual([fillTemplate(doc["label-ok"].line1, {}), fillTemplate(doc["label-ok"].line2, { job: 1 })]);
    await host.stop();
    log.close();
  });

  it("firmata: a port that is not there is reported and retried; the host keeps running", async () => {
    const db = tempDb("panel");
    JobLog.open(db).close();
    const ctl = controller();
    const panel = createPanelPlugin({ out: { write: () => true } });
    const port = `${db}.no-such-tty`;
    const config = { io: "firmata", port, db, reconnect: { initialMs: 20, maxMs: 40 } };
    const { host } = await hostOf([ctl.def, { def: panel, config }], { logLevel: "error" });
    await host.start();
    await vi.waitFor(() => expect(host.metrics.value("panel.losses")).toBeGreaterThanOrEqual(3), { timeout: 3000, interval: 10 });
    expect(host.metrics.value("panel.connected")).toBe(0);
    expect(ctl.seen.at(-1)).toMatchObject({ connected: false, problem: expect.stringMatching(/cannot open .*no-such-tty/) });
    expect(host.plugins().find((p) => p.name === "panel")?.status).toBe("running");
    await host.stop();
  });

  it("raspi off a Raspberry Pi: the missing optional raspi-io is reported, the host keeps running", async () => {
    const db = tempDb("panel");
    const ctl = controller();
    const panel = createPanelPlugin({ out: { write: () => true } });
    const pins = { green: "GPIO5", amber: "GPIO6", red: "GPIO13", buzzer: "GPIO19", judder: "GPIO17", noJudder: "GPIO27", tipsChanged: "GPIO22" };
    const config = { io: "raspi", pins, db, reconnect: { initialMs: 20, maxMs: 40 } };
    const { host } = await hostOf([ctl.def, { def: panel, config }], { logLevel: "error" });
    await host.start();
    await vi.waitFor(() => expect(host.metrics.value("panel.losses")).toBeGreaterThanOrEqual(2), { timeout: 3000, interval: 10 });
    expect(ctl.seen.at(-1)).toMatchObject({ connected: false, problem: expect.stringMatching(/needs the optional package raspi-io/) });
    expect(host.plugins().find((p) => p.name === "panel")?.status).toBe("running");
    await host.stop();
  });

  it("firmata-io over serialport 13 on a Firmata board double: drawn, pressed, unplugged, reported, replugged, redrawn", async () => {
    const db = tempDb("panel");
    JobLog.open(db).close();
    const device = new FirmataDevice("/dev/ttyPANEL0");
    const binding = firmataBinding([device]);
    const ctl = controller();
    const panel = createPanelPlugin({ openIO: (config) => ioFactory(config, binding), out: { write: () => true } });
    const config = { io: "firmata", port: device.path, db, flashMs: 100, reconnect: { initialMs: 50, maxMs: 100 }, readyTimeoutMs: 2000 };
    const { host } = await hostOf([ctl.def, { def: panel, config }], { logLevel: "error" });
    await host.start();
    const ready = [fillTemplate(doc.ready.line1, {}), fillTemplate(doc.ready.line2, { wear: 0, limit: 21 })];
    await vi.waitFor(() => expect(device.lcd.lines()).toEqual(ready), { timeout: 3000, interval: 10 });
    expect(device.level(5)).toBeGreaterThan(0); // green
    expect(device.level(6)).toBe(0);

    ctl.ctx().jobs.emit({ type: "job.start", job: "job-1", boardUs: 1, data: { ordinal: 1 } });
    const measuring = [fillTemplate(doc.measure.line1, { job: 1 }), fillTemplate(doc.measure.line2, {})];
    await vi.waitFor(() => expect(device.lcd.lines()).toEqual(measuring), { timeout: 2000, interval: 10 });
    expect(device.level(6)).toBeGreaterThan(0); // amber

    // A button through Firmata's digital reports: no job has ended, so the panel says so.
    device.setInput(2, 0);
    await new Promise((r) => setTimeout(r, 30));
    device.setInput(2, 1);
    await vi.waitFor(() => expect(device.lcd.lines()[0]).toBe(fillTemplate(doc["label-none"].line1, {})), { timeout: 2000, interval: 10 });
    expect(host.metrics.value("panel.presses")).toBe(1);

    device.unplug();
    await vi.waitFor(() => expect(host.metrics.value("panel.losses")).toBeGreaterThanOrEqual(2), { timeout: 3000, interval: 10 });
    expect(host.metrics.value("panel.connected")).toBe(0);
    expect(ctl.seen.at(-1)?.connected).toBe(false);
    expect(host.plugins().find((p) => p.name === "panel")?.status).toBe("running");

    device.replug();
    await vi.waitFor(() => expect(host.metrics.value("panel.connected")).toBe(1), { timeout: 3000, interval: 10 });
    expect(device.opens).toBe(2);
    await vi.waitFor(() => expect(device.lcd.lines()).toEqual(measuring), { timeout: 2000, interval: 10 });
    await host.stop();
  });
});
