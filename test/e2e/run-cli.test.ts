// `edgeprop run` as a user runs it: a child process with the real serialport binding, against the
// simulated boards on pty pairs; and with no boards at all.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openPtyLink, Simulator, type PtyLink } from "../../firmware-sim/index.ts";
import { StreamDecoder } from "../../src/protocol/index.ts";
import { JobLog } from "../../src/store/index.ts";

const bin = fileURLToPath(new URL("../../bin/edgeprop.js", import.meta.url));
// `run` keeps the garage's job log in the default location: never a user's real one here.
const dataDir = mkdtempSync(join(tmpdir(), "edgeprop-run-data-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function edgeprop(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, EDGEPROP_DATA_DIR: dataDir } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let link: PtyLink | undefined;
let dir: string | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("edgeprop run", () => {
  it("finds both boards on pinned ports, shows their status and captures exactly what it decoded", async () => {
    link = await openPtyLink(new Simulator({ scenario: "good", jobs: 1, seed: 8 }), { speed: 1 });
    link.start();
    dir = await mkdtemp(join(tmpdir(), "edgeprop-run-"));
    // pinned the wrong way round on purpose: the HELLO decides
    const r = await edgeprop(["run", "--vib", link.links.run, "--run", link.links.vib, "--capture", dir, "--duration", "4", "--status-ms", "500"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/was given as --vib but its HELLO says RUN; using it as run/);
    const final = r.stdout.trim().split("\n").at(-1)!;
    const m = final.match(/^final boards 2\/2 \| vib: ready 3200 Hz frames (\d+) drops (\d+).* lost 0 .*\| run: ready 1000 Hz frames (\d+) drops (\d+).* lost 0 /);
    expect(m, final).not.toBeNull();
    const [vibFrames, vibDrops, runFrames, runDrops] = m!.slice(1).map(Number);
    expect(vibFrames).toBeGreaterThan(100); // ≥ 1 s of VIB (100 frames/s) reached the decoder
    expect(runFrames).toBeGreaterThan(30);
    for (const [name, frames, drops] of [["vib", vibFrames, vibDrops], ["run", runFrames, runDrops]] as const) {
      const d = new StreamDecoder();
      d.push(await readFile(join(dir, `${name}.bin`)));
      expect([d.counters.framesOk, d.counters.droppedTotal()], name).toEqual([frames, drops]);
      expect(drops, `${name}: at most the tail of a frame cut by opening the port`).toBeLessThanOrEqual(1);
    }
  });

  it("with no boards says so loudly, keeps looking, and never makes data up", async () => {
    const r = await edgeprop(["run", "--vib", "/dev/edgeprop-no-such-port", "--duration", "2.5", "--status-ms", "500"]);
    expect(r.code).toBe(0);
    const loud = r.stderr.split("\n").filter((l) => l.includes("NO SENSOR BOARDS FOUND"));
    expect(loud.length).toBeGreaterThanOrEqual(2); // every scan, not once
    expect(loud[0]).toMatch(/\/dev\/edgeprop-no-such-port: unopenable/);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/boards 0\/2 \| vib: MISSING \| run: MISSING$/);
    // The job log in EDGEPROP_DATA_DIR got the host's events (run wires recordHostEvents).
    const log = JobLog.open(join(dataDir, "job-log.sqlite"));
    try {
      const types = log.events({ limit: 1000 }).map((e) => e.type);
      expect(types).toContain("host.started");
      expect(types.at(-1)).toBe("host.stopped");
    } finally {
      log.close();
    }
  });
});
