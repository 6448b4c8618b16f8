import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StreamDecoder } from "../../src/protocol/index.ts";
import { BoardSet, type BoardSetEvent, type BoardSetOptions } from "../../src/transport/board-set.ts";
import type { CandidatePort } from "../../src/transport/port-list.ts";
import { settle } from "./support/manual-timers.ts";
import { ScriptedBoard, scriptedBinding } from "./support/scripted-board.ts";

let dir: string;
let events: BoardSetEvent[];
let set: BoardSet | undefined;
beforeEach(async () => {
  SerialPortMock.binding.reset();
  dir = await mkdtemp(join(tmpdir(), "edgeprop-boardset-"));
  events = [];
});
afterEach(async () => {
  await set?.stop();
  set = undefined;
  await rm(dir, { recursive: true, force: true });
});

const fast = { identifyWaitMs: 20, commandTimeoutMs: 20, silenceMs: 2000 };
const candidate = (path: string): CandidatePort => ({ path, realPath: path, source: "scan" });

function makeSet(boards: ScriptedBoard[], listed: () => string[], extra: Partial<BoardSetOptions> = {}): BoardSet {
  return new BoardSet({
    binding: scriptedBinding(boards),
    discovery: { list: async () => listed().map(candidate) },
    link: fast,
    rescanMs: 50,
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; events: ${events.map((e) => e.message).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("BoardSet", () => {
  it("places boards by their HELLO, not by port order, and captures every byte per board", async () => {
    const run = new ScriptedBoard("/dev/ttyACM0", { kind: 2, serialNo: 22, rateHz: 1000, channels: 1, samplesPerFrame: 20 });
    const vib = new ScriptedBoard("/dev/ttyACM1", { kind: 1, serialNo: 11 });
    set = makeSet([run, vib], () => [run.path, vib.path], { captureDir: dir });
    set.start();
    await until(() => set!.missing().length === 0 && [...set!.links.values()].every((l) => l.state === "ready"));
    expect(set.links.get("vib")!.path).toBe("/dev/ttyACM1");
    expect(set.links.get("run")!.path).toBe("/dev/ttyACM0");
    for (let i = 0; i < 20; i++) {
      vib.tick();
      run.tick(i % 10 === 0);
    }
    await settle();
    const vibSamples = set.links.get("vib")!.decoder.counters.samples;
    expect(vibSamples).toBe(20 * 32);
    await set.stop();
    // the capture decodes to exactly what the link decoded
    for (const [role, samples] of [["vib", 20 * 32], ["run", 20 * 20]] as const) {
      const d = new StreamDecoder();
      d.push(await readFile(join(dir, `${role}.bin`)));
      expect(d.counters.samples, role).toBe(samples);
      expect(d.counters.droppedTotal()).toBe(0);
      expect(d.counters.ok("HELLO")).toBe(1);
    }
  });

  it("with no boards says so loudly on every scan, keeps looking, and takes a board that appears", async () => {
    const ports: string[] = [];
    const vib = new ScriptedBoard("/dev/ttyUSB3", { kind: 1, serialNo: 5 });
    set = makeSet([vib], () => ports);
    set.start();
    await until(() => events.filter((e) => e.type === "no-boards").length >= 3);
    expect(events.find((e) => e.type === "no-boards")!.message).toMatch(/^NO SENSOR BOARDS FOUND \(no candidate ports\); still looking/);
    expect(set.links.size).toBe(0);
    ports.push(vib.path); // plugged in
    await until(() => set!.links.get("vib")?.state === "ready");
    await until(() => events.some((e) => e.type === "scan" && /still missing: run/.test(e.message)));
    expect(events.some((e) => e.type === "found" && /VIB #5 on \/dev\/ttyUSB3/.test(e.message))).toBe(true);
  });

  it("a pinned port holding the other board is used by its HELLO and reported", async () => {
    const run = new ScriptedBoard("/dev/serial/by-id/usb-b", { kind: 2, channels: 1, samplesPerFrame: 20 });
    const vib = new ScriptedBoard("/dev/serial/by-id/usb-a", { kind: 1 });
    set = makeSet([run, vib], () => [], { pinned: { vib: run.path, run: vib.path } });
    set.start();
    await until(() => set!.missing().length === 0);
    expect(set.links.get("run")!.path).toBe(run.path);
    expect(events.filter((e) => e.type === "misplaced").map((e) => e.message)).toEqual([
      `${run.path} was given as --vib but its HELLO says RUN; using it as run`,
      `${vib.path} was given as --run but its HELLO says VIB; using it as vib`,
    ]);
  });

  it("a discovered board that comes back under another port name is given up on its old port and found again", async () => {
    const ports = ["/dev/ttyACM0"];
    const first = new ScriptedBoard("/dev/ttyACM0", { kind: 1, serialNo: 77 });
    const again = new ScriptedBoard("/dev/ttyACM1", { kind: 1, serialNo: 77 });
    set = makeSet([first, again], () => ports, { rediscoverAfterMs: 300 });
    set.start();
    await until(() => set!.links.get("vib")?.state === "ready");
    first.unplug();
    ports.splice(0, 1, "/dev/ttyACM1"); // re-enumerated as ttyACM1
    await until(() => events.some((e) => e.type === "given-up"));
    await until(() => set!.links.get("vib")?.path === "/dev/ttyACM1" && set!.links.get("vib")?.state === "ready");
    expect(events.find((e) => e.type === "given-up")!.message).toMatch(/^vib: \/dev\/ttyACM0 gone for \d+ s; looking for the board on other ports$/);
    expect(first.open).toBe(false);
  });
});
