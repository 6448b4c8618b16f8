// `edgeprop status`: healthy with a running controller (an in-process host with the health plugin
// fed by a stand-in source) and a readable job log; unhealthy, with the reason, for each problem:
// no controller, a stopped one, a dead pid, a stale status, a board without frames, a data folder
// short of space, an unreadable job log.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStatus } from "../../src/cli/status.ts";
import { Board, BoardEvent } from "../../src/controller/channels.ts";
import type { Host } from "../../src/runtime/index.ts";
import { JobLog } from "../../src/store/index.ts";
import { entry } from "../store/support/records.ts";
import { startHealthHost, type Source } from "../deploy/support/health-host.ts";

const JOB_LOG_MODULE = fileURLToPath(new URL("../../plugins/job-log/index.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgeprop-status-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A config for `status`: the health plugin's status file and a job log, both in `folder`. */
function configFile(folder: string, db = join(folder, "job-log.sqlite"), name = "edgeprop.json"): string {
  const file = join(folder, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, JSON.stringify({
    host: { dataDir: join(folder, "data") },
    plugins: { health: { module: "unused-by-status", config: { file: join(folder, "status.json") } }, "job-log": { module: JOB_LOG_MODULE, config: { db } } },
  }));
  return file;
}

async function status(...argv: string[]): Promise<{ code: number; out: string; err: string; json: any }> {
  let out = "";
  let err = "";
  const code = await runStatus(argv, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) });
  const json = argv.includes("--json") ? JSON.parse(out) : null;
  return { code, out, err, json };
}

function feed(source: Source, board: number): void {
  const w = board === Board.VIB ? source.vib : source.run;
  const slot = w.claim();
  w.column("t")[slot] = 1;
  w.publish();
}

function event(source: Source, kind: number, board: number, a = 0, b = 0, c = 0, d = 0, e = 0): void {
  source.events.writeRow([kind, board, 1, a, b, c, d, e, 0]);
}

describe("edgeprop status", () => {
  const live = join(dir, "live");
  let host: Host;
  let source: Source;
  let cfg: string;

  beforeAll(async () => {
    cfg = configFile(live);
    const log = JobLog.open(join(live, "job-log.sqlite"));
    log.endJob(entry(7));
    log.close();
    ({ host, source } = await startHealthHost({ file: join(live, "status.json"), writeMs: 200 }, join(live, "data")));
    event(source, BoardEvent.HELLO, Board.VIB, 3200, 0.001, 0, 4711);
    event(source, BoardEvent.HELLO, Board.RUN, 1000, 0.1, 0, 815);
    event(source, BoardEvent.COUNTERS, Board.RUN, 500, 3, 2, 1, 0);
    source.records.push(entry(7, 0, { judder: { p: 0.9, flag: true, source: "model", modelVersion: "judder-v3" } }));
    feed(source, Board.VIB);
    feed(source, Board.RUN);
    await host.idle();
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => host?.stop());

  it("is healthy with both boards sending, the job log readable and room on disk (exit 0)", async () => {
    const r = await status("--config", cfg, "--json", "--min-free-mb", "1");
    expect(r.json.problems).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.json.healthy).toBe(true);
    expect(r.json.status.pid).toBe(process.pid);
    expect(r.json.status.boards.vib).toMatchObject({ connected: true, serialNo: 4711, rateHz: 3200 });
    expect(r.json.status.boards.run).toMatchObject({ connected: true, framesOk: 500, dropped: 3, lostFrames: 2, gaps: 1 });
    expect(r.json.status.lastJob).toMatchObject({ id: "job-7", ordinal: 7, status: "complete" });
    expect(r.json.status.models.judder).toEqual({ source: "model", version: "judder-v3" });
    expect(r.json.jobLog).toMatchObject({ jobs: 1, lastJob: { id: "job-7", status: "complete" }, error: null });
    expect(r.json.disks[0].freeMb).toBeGreaterThan(1);
    const text = await status("--config", cfg, "--min-free-mb", "1");
    expect(text.out).toMatch(/^edgeprop status: HEALTHY/);
    expect(text.out).toMatch(/RUN board   connected #815 1000 Hz, last frame \d+ s ago, frames 500, dropped 3/);
  });

  it("names a board without frames for longer than --board-timeout (exit 1)", async () => {
    const started = performance.now();
    while (performance.now() - started < 700) {
      feed(source, Board.VIB);
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await status("--config", cfg, "--json", "--min-free-mb", "1", "--board-timeout", "0.5");
    expect(r.code).toBe(1);
    expect(r.json.problems).toEqual([expect.stringMatching(/^RUN board: no frame for [\d.]+ s \(limit 0.5 s\)$/)]);
  });

  it("says when a data folder is short of space", async () => {
    const r = await status("--config", cfg, "--min-free-mb", "1e12");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/problems:\n  - disk: .*data has \d+ MB free \(limit 1000000000000 MB\)/);
  });

  it("says when the job log is unreadable", async () => {
    const bad = join(dir, "bad");
    const file = configFile(live, join(bad, "job-log.sqlite"), "missing-log.json");
    const damaged = join(live, "damaged.sqlite");
    writeFileSync(damaged, "this is not a database ".repeat(200));
    const r1 = await status("--config", configFile(live, damaged, "damaged-log.json"), "--json", "--min-free-mb", "1");
    expect(r1.code).toBe(1);
    expect(r1.json.problems).toEqual([expect.stringMatching(/^job log unreadable: .*damaged\.sqlite/)]);
    const r2 = await status("--config", file, "--json", "--min-free-mb", "1");
    expect(r2.json.problems).toEqual([`job log unreadable: ${join(bad, "job-log.sqlite")} does not exist`]);
  });

  it("says when the controller's status is stale (hung or killed) or its process is gone", async () => {
    const folder = join(dir, "gone");
    const file = configFile(folder);
    JobLog.open(join(folder, "job-log.sqlite")).close();
    const s = JSON.parse(readFileSync(join(live, "status.json"), "utf8"));
    writeFileSync(join(folder, "status.json"), JSON.stringify({ ...s, writtenAt: new Date(Date.now() - 60_000).toISOString() }));
    const stale = await status("--config", file, "--json", "--min-free-mb", "1", "--board-timeout", "600");
    expect(stale.json.problems).toEqual(["the controller's status is 60 s old (written every 0.2 s): hung or killed"]);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(folder, "status.json"), JSON.stringify({ ...s, pid: dead }));
    const gone = await status("--config", file, "--json", "--min-free-mb", "1");
    expect(gone.code).toBe(1);
    expect(gone.json.problems).toEqual([`the controller (pid ${dead}) is not running; it last wrote its status at ${s.writtenAt}`]);
  });

  it("says when no controller has run, and when it stopped", async () => {
    const none = await status("--config", configFile(join(dir, "none")), "--json", "--min-free-mb", "1");
    expect(none.code).toBe(1);
    expect(none.json.problems).toContainEqual(expect.stringMatching(/^no running controller: no status file .*status\.json/));
    // as the health plugin leaves it when the process was stopped by SIGTERM (test/deploy/sd-notify)
    const s = JSON.parse(readFileSync(join(live, "status.json"), "utf8"));
    writeFileSync(join(live, "status.json"), JSON.stringify({ ...s, stoppedAt: new Date().toISOString() }));
    const stopped = await status("--config", cfg, "--json", "--min-free-mb", "1");
    expect(stopped.code).toBe(1);
    expect(stopped.json.problems).toEqual([expect.stringMatching(/^the controller stopped at \d{4}-/)]);
  });

  it("refuses bad options with exit 2", async () => {
    expect((await status("--board-timeout", "0")).code).toBe(2);
    expect((await status("--nope")).code).toBe(2);
  });
});
