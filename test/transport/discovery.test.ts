import { SerialPortMock } from "serialport";
import { beforeEach, describe, expect, it } from "vitest";
import { boardsByKind, discoverBoards } from "../../src/transport/discovery.ts";
import type { CandidatePort } from "../../src/transport/port-list.ts";
import { ScriptedBoard, scriptedBinding } from "./support/scripted-board.ts";

const candidate = (path: string): CandidatePort => ({ path, realPath: path, source: "scan" });

beforeEach(() => SerialPortMock.binding.reset());

describe("discoverBoards", () => {
  it("identifies boards by HELLO at their own baud, skips reserved ports, reports silent ones", async () => {
    const run = new ScriptedBoard("/dev/ttyACM0", { kind: 2, serialNo: 22, rateHz: 1000, channels: 1, baudRate: 460800 });
    const vib = new ScriptedBoard("/dev/ttyACM1", { kind: 1, serialNo: 11, baudRate: 921600 });
    const panel = new ScriptedBoard("/dev/ttyACM2", { kind: 9 });
    const mute = new ScriptedBoard("/dev/ttyUSB0", { kind: 1 });
    mute.silent = true;
    const result = await discoverBoards({
      binding: scriptedBinding([run, vib, panel, mute]),
      list: async () => [run.path, vib.path, panel.path, mute.path].map(candidate),
      reserved: ["/dev/ttyACM2"],
      identifyWaitMs: 20,
      commandTimeoutMs: 20,
    });
    expect(result.boards.map((b) => [b.path, b.baudRate, b.hello.kind, b.hello.serial_no])).toEqual([
      ["/dev/ttyACM0", 460800, 2, 22],
      ["/dev/ttyACM1", 921600, 1, 11],
    ]);
    expect(panel.openedAt).toEqual([]);
    expect(run.openedAt).toEqual([921600, 460800]);
    expect(vib.openedAt).toEqual([921600]);
    expect(result.probes.map((p) => [p.path, p.outcome])).toEqual([
      ["/dev/ttyACM0", "found"],
      ["/dev/ttyACM1", "found"],
      ["/dev/ttyACM2", "skipped"],
      ["/dev/ttyUSB0", "silent"],
    ]);
    expect(result.probes[3].detail).toMatch(/921600 baud: .*no HELLO.*; 460800 baud: .*no HELLO/);
    // every probe closed its port
    for (const b of [run, vib, mute]) expect(b.open).toBe(false);
    const { byKind, conflicts } = boardsByKind(result.boards);
    expect(byKind.get(1)?.path).toBe("/dev/ttyACM1");
    expect(byKind.get(2)?.path).toBe("/dev/ttyACM0");
    expect(conflicts).toEqual([]);
  });

  it("probes only pinned ports when config pins any, and still refuses a reserved one", async () => {
    const a = new ScriptedBoard("/dev/serial/by-id/usb-vib", { kind: 1 });
    const b = new ScriptedBoard("/dev/ttyACM7", { kind: 2 });
    let listed = 0;
    const result = await discoverBoards({
      binding: scriptedBinding([a, b]),
      pinned: [a.path, b.path],
      reserved: [b.path],
      list: async () => {
        listed++;
        return [];
      },
      identifyWaitMs: 20,
      commandTimeoutMs: 20,
    });
    expect(listed).toBe(0);
    expect(result.boards.map((x) => x.path)).toEqual([a.path]);
    expect(b.openedAt).toEqual([]);
  });

  it("reports two boards of one kind as a conflict naming both", () => {
    const hello = (serial_no: number) => ({
      type: "HELLO" as const, seq: 0, t_us: 0, kind: 1, fw_major: 1, fw_minor: 0, channels: 3, serial_no, rate_hz: 3200, lsb: 0.0039,
    });
    const { conflicts } = boardsByKind([
      { path: "/dev/a", baudRate: 921600, hello: hello(1) },
      { path: "/dev/b", baudRate: 921600, hello: hello(2) },
    ]);
    expect(conflicts).toEqual(["two boards of kind 1: /dev/a (#1) and /dev/b (#2)"]);
  });
});
