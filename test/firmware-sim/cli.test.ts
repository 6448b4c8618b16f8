// `edgeprop sim`: --out in process; --pty as a child process stopped by SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { describe, expect, it } from "vitest";
import { runSim } from "../../src/cli/sim.ts";
import type { Frame } from "../../src/protocol/index.ts";
import { decodeInto } from "./support/collect.ts";

describe("edgeprop sim", () => {
  it("--out DIR writes the four files; bad arguments exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-cli-"));
    try {
      expect(await runSim(["--scenario", "good", "--jobs", "1", "--seed", "3", "--out", dir])).toBe(0);
      for (const f of ["vib.bin", "run.bin", "labels.jsonl", "truth.jsonl"]) expect(existsSync(join(dir, f))).toBe(true);
      expect(readFileSync(join(dir, "truth.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
      expect(await runSim(["--scenario", "nope", "--out", dir])).toBe(2);
      expect(await runSim(["--jobs", "1"])).toBe(2);
      expect(await runSim(["--frobnicate"])).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--pty prints {vib, run} as one JSON line, serves the boards, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["bin/edgeprop.js", "sim", "--pty", "--scenario", "good", "--jobs", "1", "--speed", "2"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const paths = JSON.parse(line) as { vib: string; run: string };
    expect(Object.keys(paths)).toEqual(["vib", "run"]);
    expect(paths.run).toMatch(/^\/dev\/pts\/\d+$/);
    const port = await new Promise<SerialPort>((r, j) => {
      const p: SerialPort = new SerialPort({ path: paths.run, baudRate: 460800 }, (e) => (e ? j(e) : r(p)));
    });
    const frames: Frame[] = [];
    const rest: number[] = [];
    port.on("data", (d: Buffer) => decodeInto(d, rest, frames));
    const end = Date.now() + 5000;
    while (!frames.some((f) => f.type === "SAMPLES") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(frames.some((f) => f.type === "SAMPLES")).toBe(true);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("stopped (SIGTERM)");
    await new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r()));
  });
});
