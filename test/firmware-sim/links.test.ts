// The three ways to reach the simulated boards: serialport's mock binding (in process), real pty
// pairs (serialport opens /dev/pts/N like hardware), and capture files.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPortStream } from "@serialport/stream";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { createSimBinding, openPtyLink, Simulator, writeCaptures, type PtyLink } from "../../firmware-sim/index.ts";
import { encodeFrame, type Frame } from "../../src/protocol/index.ts";
import { collect, decodeInto, ofType } from "./support/collect.ts";

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function listen(port: NodeJS.EventEmitter): { frames: Frame[]; bad: () => number } {
  const frames: Frame[] = [];
  const rest: number[] = [];
  let bad = 0;
  port.on("data", (d: Buffer) => (bad += decodeInto(d, rest, frames)));
  return { frames, bad: () => bad };
}

describe("mock-binding link", () => {
  it("the controller opens a simulator path through SerialPortStream: HELLO answers PING, samples flow as advanced", async () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 4 });
    const sb = createSimBinding(sim);
    expect((await sb.binding.list()).map((p) => p.path).sort()).toEqual([sb.paths.run, sb.paths.vib].sort());
    const port = new SerialPortStream({ binding: sb.binding, path: sb.paths.vib, baudRate: 921600 });
    await new Promise<void>((r, j) => port.once("open", r).once("error", j));
    const got = listen(port);
    sb.advance(100);
    await until(() => got.frames.length >= 10, 2000, "first frames");
    expect(got.frames[0]).toMatchObject({ type: "HELLO", kind: 1, seq: 0 });
    port.write(Buffer.from(encodeFrame({ type: "PING", seq: 0, t_us: 0 })));
    await new Promise((r) => port.drain(r));
    await new Promise((r) => setTimeout(r, 10)); // the mock binding completes writes on a later tick
    sb.advance(20);
    await until(() => ofType(got.frames, "HELLO").length === 2, 2000, "HELLO in reply to PING");
    expect(ofType(got.frames, "SAMPLES").length).toBeGreaterThanOrEqual(10);
    expect(got.bad()).toBe(0);
    // The run board's port was never opened: its bytes were not delivered anywhere.
    expect(sb.stats.undelivered).toBeGreaterThan(0);
    await new Promise<void>((r) => port.close(() => r()));
  });
});

describe("pty link", () => {
  let link: PtyLink | undefined;
  afterEach(async () => {
    await link?.stop();
    link = undefined;
  });

  it("serialport opens both /dev/pts paths like hardware; frames arrive intact; PING is answered; a vanish drops the port and brings it back", async () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 4, faults: { vanishes: [{ board: "run", atS: 1.5, forS: 1.5 }] } });
    link = await openPtyLink(sim, { speed: 2 });
    expect(link.paths.vib).toMatch(/^\/dev\/pts\/\d+$/);
    const open = (path: string, baudRate: number) =>
      new Promise<SerialPort>((r, j) => {
        const p: SerialPort = new SerialPort({ path, baudRate }, (e) => (e ? j(e) : r(p)));
      });
    const vib = await open(link.paths.vib, 921600);
    const run = await open(link.links.run, 460800);
    const gv = listen(vib);
    const gr = listen(run);
    run.on("error", () => {});
    link.start();
    await until(() => ofType(gv.frames, "SAMPLES").length >= 20, 3000, "VIB samples");
    expect(gv.frames[0]).toMatchObject({ type: "HELLO", kind: 1, seq: 0 });
    vib.write(Buffer.from(encodeFrame({ type: "PING", seq: 0, t_us: 0 })));
    await until(() => ofType(gv.frames, "HELLO").length === 2, 2000, "HELLO in reply to PING");
    // The run board's port vanishes at 1.5 s of board time (0.75 s of wall time at speed 2) for
    // 0.75 s of wall time: its device link disappears, like /dev/serial/by-id/… on an unplug.
    await until(() => !existsSync(link!.links.run), 6000, "the run board's port to vanish");
    expect(link.stats.vanished).toBe(1);
    expect(link.stats.vanished).toBe(1);
    const before = gr.frames.length;
    let again: SerialPort | null = null;
    const deadline = performance.now() + 5000;
    while (!again) {
      again = await open(link.links.run, 460800).catch(() => null); // the replug takes a moment
      if (!again && performance.now() > deadline) throw new Error("the run board's pty never came back");
      if (!again) await new Promise((r) => setTimeout(r, 50));
    }
    const gr2 = listen(again);
    await until(() => gr2.frames.length >= 5, 6000, "run frames after the replug");
    expect(before).toBeGreaterThan(10);
    expect(gv.bad()).toBe(0);
    await new Promise<void>((r) => vib.close(() => r()));
    await new Promise<void>((r) => again.close(() => r()));
    await new Promise<void>((r) => (run.isOpen ? run.close(() => r()) : r()));
  });
});

describe("capture files", () => {
  it("--out writes vib.bin / run.bin (the exact bytes), labels.jsonl and truth.jsonl, one line per job", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeprop-sim-"));
    try {
      const s = writeCaptures(new Simulator({ scenario: "mixed", jobs: 2, seed: 13 }), dir);
      expect(s.jobs).toBe(2);
      const ref = new Simulator({ scenario: "mixed", jobs: 2, seed: 13 });
      const chunks = { vib: [] as Uint8Array[], run: [] as Uint8Array[] };
      collect(ref, Infinity, (c) => chunks[c.board].push(c.bytes));
      for (const b of ["vib", "run"] as const) {
        expect(readFileSync(join(dir, `${b}.bin`)).equals(Buffer.concat(chunks[b]))).toBe(true);
      }
      const labels = readFileSync(join(dir, "labels.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const truth = readFileSync(join(dir, "truth.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(labels.map((l) => l.job)).toEqual([1, 2]);
      expect(truth.map((t) => t.job)).toEqual([1, 2]);
      expect(labels).toEqual(ref.jobs.map((j) => j.label));
      expect(truth[0]).toMatchObject({ job: 1, boardStartUs: ref.jobs[0].boardStartUs, dtvUm: ref.jobs[0].dtvUm });
      expect(truth[0].causes.tipCuts).toBeTypeOf("number");
      expect(truth[0].label).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
