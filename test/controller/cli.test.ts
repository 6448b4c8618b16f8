// `edgeprop replay` and `edgeprop run --sim` as a user runs them (child processes).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures, type FinishedJob } from "../../firmware-sim/index.ts";

const bin = fileURLToPath(new URL("../../bin/edgeprop.js", import.meta.url));
const RECORD_KEYS = ["id", "ordinal", "boardStartUs", "startedAt", "status", "reason", "revolutions", "passes", "measured", "judder", "cutQuality", "alarms", "labels", "meta", "frames"];

function edgeprop(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // EDGEPROP_DATA_DIR: a `run` never touches a user's real job log.
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, EDGEPROP_DATA_DIR: join(tmpdir(), "edgeprop-cli-test-data") } });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

let dir: string;
let jobs: FinishedJob[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgeprop-cli-"));
  const sim = new Simulator({ scenario: "good", jobs: 3, seed: 21, keepRevolutions: false });
  writeCaptures(sim, dir);
  jobs = sim.jobs;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("edgeprop replay", () => {
  it("--json prints exactly one job record per line, labels attached", async () => {
    const r = await edgeprop(["replay", "--vib", join(dir, "vib.bin"), "--run", join(dir, "run.bin"), "--labels", join(dir, "labels.jsonl"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBe(3);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const [i, rec] of records.entries()) {
      expect(Object.keys(rec)).toEqual(RECORD_KEYS);
      expect(rec).toMatchObject({ ordinal: i + 1, boardStartUs: jobs[i].boardStartUs, startedAt: null, status: "complete" });
    }
    const labelled = readFileSync(join(dir, "labels.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { job: number });
    for (const l of labelled) expect(records[l.job - 1].labels).not.toBeNull();
    expect(r.stderr).toMatch(/replay: 3 jobs in/);
  });

  it("is deterministic: the same captures and labels give the same records (the learners start from the shipped prior)", async () => {
    const args = ["replay", "--dir", dir, "--labels", join(dir, "labels.jsonl"), "--json"];
    const [a, b] = [await edgeprop(args), await edgeprop(args)];
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const records = a.stdout.trim().split("\n").map((l) => JSON.parse(l) as { judder: { source: string; modelVersion: string | null }; cutQuality: { source: string; lroPostUm: number | null } });
    // replay.yaml starts judder and Ra from the shipped prior (models/prior/): job 1 is estimated by
    // the prior before any label; later jobs by the prior or the network updated from it, never the rule
    expect([records[0].judder.source, records[0].cutQuality.source]).toEqual(["prior", "prior"]);
    expect(records[0].judder.modelVersion).toMatch(/^prior-sim-/);
    for (const r of records) expect(["prior", "model"]).toContain(r.judder.source);
    expect(records.every((r) => r.cutQuality.lroPostUm !== null)).toBe(true);
  });

  it("reports a refused label on stderr", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, JSON.stringify({ job: 2, boardStartUs: 12345, judder: true }) + "\n");
    const r = await edgeprop(["replay", "--dir", dir, "--labels", bad, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/label of job 2 refused: its boardStartUs 12345 is not the job's \d+/);
    expect(r.stderr).toMatch(/1 label\(s\) REFUSED/);
    expect((JSON.parse(r.stdout.trim().split("\n")[1]) as { labels: unknown }).labels).toBeNull();
  });

  it("names a missing capture file", async () => {
    const r = await edgeprop(["replay", "--vib", join(dir, "nope.bin"), "--run", join(dir, "run.bin")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--vib .*nope\.bin: no such file/);
  });
});

describe("edgeprop run", () => {
  it("--sim shows jobs go by and ends by itself; its data stay in the demo folder", async () => {
    const demo = join(dir, "demo");
    const r = await edgeprop(["run", "--sim", "--jobs", "2", "--scenario", "good", "--speed", "10", "--demo-dir", demo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/SIMULATED boards/);
    const jobLines = r.stdout.split("\n").filter((l) => /^job \d+ (complete|INTERRUPTED)/.test(l));
    expect(jobLines.length, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(2);
    for (const l of jobLines) expect(l).toMatch(/rpm .*LRO \d+\.\d µm → \d+\.\d µm .*judder p \d\.\d\d (YES|no) \((prior|model)\) .*cut est\. LRO \d+\.\d µm/);
    expect(r.stdout).toMatch(/job 1: cut \(pass 1\)/);
    const stored = readFileSync(join(demo, "data", "jsonl-log", "jobs.jsonl"), "utf8").trim().split("\n");
    expect(stored.length).toBe(2);
    expect((JSON.parse(stored[0]) as { startedAt: string }).startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const log = await edgeprop(["jobs", "list", "--json", "--db", join(demo, "job-log.sqlite")]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/"ordinal":\s*2/);
    // the learners' versions went into the demo log's registry: residual runout labels itself from
    // each complete job's check pass, version files beside the log
    const models = await edgeprop(["models", "list", "--json", "--db", join(demo, "job-log.sqlite")]);
    expect(models.code, models.stderr).toBe(0);
    const versions = (JSON.parse(models.stdout) as { version: string; kind: string; path: string; active: boolean }[]);
    expect(versions.filter((m) => m.kind === "residual-runout").map((m) => m.version)).toEqual(["residual-runout-v1", "residual-runout-v2"]);
    expect(versions.find((m) => m.active && m.kind === "residual-runout")!.path).toBe(join(demo, "models", "residual-runout-v2.epnn"));
    // judder and Ra start from the shipped prior (sim.yaml): registered as it is, the parent of a first
    // update; without labels in a demo it is their only version
    for (const kind of ["judder", "ra"]) expect(versions.filter((m) => m.kind === kind).map((m) => m.version)).toEqual([expect.stringMatching(/^prior-sim-/)]);
  });

  it("refuses simulator options without --sim", async () => {
    const r = await edgeprop(["run", "--jobs", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs is for --sim only/);
  });
});
