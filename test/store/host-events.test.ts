import { describe, expect, it } from "vitest";
import { recordHostEvents } from "../../plugins/job-log/host-events.ts";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { JobLog } from "../../src/store/index.ts";
import { hostOf } from "../runtime/support/harness.ts";
import { tempDb } from "./support/records.ts";

describe("host events into the job log", () => {
  it("a plugin that fails and is restarted leaves plugin.failed / restarting / restarted rows; job events are not copied", async () => {
    const db = tempDb("events");
    let failures = 0;
    const flaky = definePlugin({ name: "flaky", version: "1.0.0", host: "*", config: z.object({}) }, (ctx) => ({
      start() {
        if (failures++ === 0) ctx.timers.setTimeout(() => { throw new Error("board read failed"); }, 1);
        ctx.jobs.emit({ type: "job.start", job: "j1", boardUs: 0 });
      },
    }));
    const { host } = await hostOf([flaky], { restart: { baseMs: 5, factor: 2, maxMs: 50, maxRestarts: 3, healthyMs: 1000 } });
    const stop = recordHostEvents(host.events, db);
    await host.start();
    const end = Date.now() + 2000;
    while (!host.plugins()[0].restarts && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await host.stop();
    stop();
    const log = JobLog.open(db);
    const rows = log.events({ limit: 50 });
    expect(rows.map((e) => e.type)).toEqual(["host.started", "plugin.failed", "plugin.restarting", "plugin.restarted", "host.stopped"]);
    expect(rows[1]).toMatchObject({ source: "flaky", message: "board read failed", data: { code: "EP_ERR_PLUGIN_CRASHED" } });
    log.close();
  });
});
