// The controller live on simulated boards (pty pairs, real serialport binding): a board unplugged
// in the middle of a job ends that job `interrupted` with the reason, and the controller carries on.
import { afterEach, describe, expect, it } from "vitest";
import { openPtyLink, Simulator, type PtyLink } from "../../firmware-sim/index.ts";
import { Host, type RuntimeEvent } from "../../src/runtime/index.ts";
import { Reason } from "../../src/controller/job-tracker.ts";
import { recordCollector } from "../support/record-collector.ts";
import { livePipelineConfig } from "./support/live-config.ts";

let link: PtyLink | undefined;
let host: Host | undefined;
afterEach(async () => {
  await host?.stop();
  await link?.stop();
  host = undefined;
  link = undefined;
});

describe("boards plugin, live", () => {
  it("interrupts the running job when the VIB board is unplugged", async () => {
    link = await openPtyLink(new Simulator({ scenario: "good", jobs: 2, seed: 9 }), { speed: 4 });
    const { plugin: collector, records } = recordCollector();
    const config = await livePipelineConfig({ vib: link.links.vib, run: link.links.run, statusMs: 0 });
    const { boards, ...rest } = config.plugins;
    config.plugins = { ...rest, collector: { module: "test:collector", enabled: true }, boards };
    host = await Host.load(config, { preloaded: { "test:collector": collector } });
    const phases: string[] = [];
    host.events.on((e: RuntimeEvent) => {
      if (e.type === "job.phase") phases.push(`${e.data.ordinal}:${e.data.phase}`);
    });
    await host.start();
    await new Promise((r) => setTimeout(r, 150));
    link.start();
    // unplug VIB once job 1 is cutting
    const until = performance.now() + 20_000;
    while (!phases.includes("1:cut") && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(phases).toContain("1:cut");
    await link.vanish("vib", 1500);
    await link.done;
    const end = performance.now() + 5000;
    while (records.length < 2 && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(records[0]).toMatchObject({ ordinal: 1, status: "interrupted", reason: Reason.VIB_LOST });
    expect(records[0].startedAt).toMatch(/^\d{4}-/);
    expect(records[1]).toMatchObject({ ordinal: 2, status: "complete", reason: null });
    expect(records[1].measured.lroPreUm).not.toBeNull();
  });
});
