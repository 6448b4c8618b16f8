// Per-job raw captures live: the boards plugin on simulated boards (pty pairs, real serialport
// binding) with `raw: true` feeds the job-captures plugin; the job's capture folder replays to the
// record the live controller made.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openPtyLink, Simulator, type PtyLink } from "../../firmware-sim/index.ts";
import { Host } from "../../src/runtime/index.ts";
import { CaptureStore, JobLog, type JobRecord } from "../../src/store/index.ts";
import { essence, replay } from "./support/job-captures.ts";
import { recordCollector } from "../support/record-collector.ts";
import { livePipelineConfig } from "./support/live-config.ts";

let link: PtyLink | undefined;
let host: Host | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await host?.stop();
  await link?.stop();
  host = undefined;
  link = undefined;
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("job-captures plugin, live boards", () => {
  it("writes the job's bytes of both boards, received on the serial ports, as a replayable capture", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-job-captures-live-"));
    dirs.push(dir);
    const file = join(dir, "job-log.sqlite");
    link = await openPtyLink(new Simulator({ scenario: "good", jobs: 1, seed: 12 }), { speed: 8 });
    const { plugin: collector, records } = recordCollector();
    const config = await livePipelineConfig({ vib: link.links.vib, run: link.links.run, statusMs: 0, raw: true });
    const { boards, ...rest } = config.plugins;
    config.plugins = {
      ...rest,
      "job-log": { module: resolve("plugins/job-log/index.ts"), enabled: true, config: { db: file } },
      "job-captures": { module: resolve("plugins/job-captures/index.ts"), enabled: true, config: { db: file } },
      collector: { module: "test:collector", enabled: true },
      boards,
    };
    host = await Host.load(config, { preloaded: { "test:collector": collector } });
    await host.start();
    await new Promise((r) => setTimeout(r, 150));
    link.start();
    await link.done;
    const until = performance.now() + 5000;
    while (records.length < 1 && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    await host.stop();
    host = undefined;
    expect(records).toHaveLength(1);
    expect(records[0].status).toBe("complete");

    const log = JobLog.open(file);
    const store = new CaptureStore(log.db, { dir: join(dir, "captures"), quotaBytes: 1 << 30 });
    const caps = store.list();
    const folder = store.folderOf(records[0].id);
    log.close();
    expect(caps.map((c) => [c.jobId, c.board, c.state])).toEqual([
      [records[0].id, expect.stringMatching(/^(vib|run)$/), "complete"],
      [records[0].id, expect.stringMatching(/^(vib|run)$/), "complete"],
    ]);
    const again = await replay(folder!);
    expect(again.records).toHaveLength(1);
    // Frame counters are snapshots taken when a LATHE frame is decoded, so they depend on where the
    // port cut its chunks (live) or the replay its batches: compared to 2 %, everything else exactly.
    const { id, ordinal, startedAt, frames, ...replayed } = again.records[0];
    void id, ordinal, startedAt;
    const { frames: liveFrames, ...live } = records[0];
    expect(replayed).toEqual(essence({ ...live, id: "", ordinal: 0, startedAt: "" } as JobRecord));
    for (const board of ["vib", "run"] as const) {
      const want = liveFrames[board].framesOk as number;
      expect(Math.abs((frames[board].framesOk as number) - want)).toBeLessThanOrEqual(Math.ceil(want * 0.02));
    }
  }, 20_000);
});
