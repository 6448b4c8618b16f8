// The port readers on real pty pairs (socat) and the real serialport binding: "auto" picks "poll"
// there and "await" on the mock binding; a burst written at once is taken in fewer reads than it had
// writes, whole and in order; the readers report a vanished pty; and a BoardLink reading with "poll"
// still notices a silent board, closes, reopens and re-identifies it.
import { closeSync, openSync, writeSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SerialPort, SerialPortMock } from "serialport";
import type { BindingInterface, BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { createPtyPair, type PtyPair } from "../../firmware-sim/index.ts";
import { encodeFrame, type Frame } from "../../src/protocol/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import type { LinkEvent } from "../../src/transport/link-events.ts";
import { createPortReader, type PortReader } from "../../src/transport/port-reader.ts";

const binding = SerialPort.binding as BindingInterface;
let pair: PtyPair | undefined;
let port: BindingPortInterface | undefined;
let reader: PortReader | undefined;
let device: number | undefined;
let link: BoardLink | undefined;
afterEach(async () => {
  reader?.stop();
  await link?.close();
  if (port?.isOpen) await port.close();
  if (device !== undefined) closeSync(device);
  await pair?.dispose();
  [pair, port, reader, device, link] = [undefined, undefined, undefined, undefined, undefined];
});

const until = async (ok: () => boolean, ms: number): Promise<void> => {
  const end = performance.now() + ms;
  while (!ok() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
};

function samples(seq: number): Uint8Array {
  const raw = new Int16Array(96).map((_, i) => (seq * 96 + i) % 3000);
  return encodeFrame({ type: "SAMPLES", seq, t_us: 1_000_000 + seq * 10_000, n: 32, channels: 3, raw } as Frame);
}

const hello = encodeFrame({
  type: "HELLO", seq: 0, t_us: 0, kind: 1, fw_major: 1, fw_minor: 0, channels: 3, serial_no: 77, rate_hz: 3200, lsb: 0.0039,
} as Frame);

/** A pty pair with its device end open for writing here. */
async function makePty(): Promise<{ pair: PtyPair; device: number }> {
  pair = await createPtyPair({ deviceName: "dev", hostName: "host" });
  device = openSync(pair.devicePath, "r+");
  return { pair, device };
}

/** A pty pair, its host end opened with the real binding. */
async function openPty(): Promise<{ pair: PtyPair; port: BindingPortInterface; device: number }> {
  const made = await makePty();
  port = await binding.open({ path: made.pair.hostPath, baudRate: 921600 });
  return { ...made, port };
}

describe("port readers on a real pty", () => {
  it('"auto" reads with "poll" on the real binding and with "await" on the mock binding; "poll" elsewhere is a TypeError', async () => {
    const { port } = await openPty();
    const handlers = { onData: () => {}, onLost: () => {} };
    expect(createPortReader(port, { path: "p", baudRate: 921600 }, handlers).kind).toBe("poll");
    SerialPortMock.binding.createPort("/dev/mock-reader");
    const mock = await SerialPortMock.binding.open({ path: "/dev/mock-reader", baudRate: 921600 });
    expect(createPortReader(mock, { path: "/dev/mock-reader", baudRate: 921600 }, handlers).kind).toBe("await");
    expect(() => createPortReader(mock, { kind: "poll", path: "/dev/mock-reader", baudRate: 921600 }, handlers)).toThrow(/"poll" needs .*\/dev\/mock-reader/);
    await mock.close();
  });

  for (const kind of ["poll", "await", "stream"] as const) {
    it(`${kind}: frames written in bursts arrive whole and in order, in fewer reads than writes`, async () => {
      const { port, device } = await openPty();
      const got: number[] = [];
      reader = createPortReader(port, { kind, path: "p", baudRate: 921600 }, { onData: (v) => got.push(...v), onLost: () => {} });
      reader.start();
      const frames = Array.from({ length: 150 }, (_, k) => samples(k));
      // bursts of 15 frames (~3 kB, within a pty's buffer: the device end blocks when it is full,
      // and the reader runs on this same thread)
      for (let k = 0; k < frames.length; k++) {
        writeSync(device, frames[k]);
        if (k % 15 === 14) await new Promise((r) => setTimeout(r, 20));
      }
      const total = frames.reduce((n, f) => n + f.length, 0);
      await until(() => got.length >= total, 5000);
      expect(Buffer.from(got)).toEqual(Buffer.concat(frames));
      expect(reader.reads).toBeGreaterThan(0);
      expect(reader.reads).toBeLessThan(frames.length);
    });

  }

  // ("stream" is left out: bindings-cpp retries a read that returns 0 bytes, so a hung-up pty can
  // keep serialport's stream reading nothing until the silence watchdog closes the port.)
  for (const kind of ["poll", "await"] as const) {
    it(`${kind}: the pty going away is reported once, with a reason`, async () => {
      const { pair, port, device } = await openPty();
      const lost: string[] = [];
      reader = createPortReader(port, { kind, path: "p", baudRate: 921600 }, { onData: () => {}, onLost: (r) => lost.push(r) });
      reader.start();
      writeSync(device, samples(0));
      await pair.close();
      await until(() => lost.length > 0, 3000);
      expect(lost).toHaveLength(1);
      expect(lost[0].length).toBeGreaterThan(0);
    });
  }

  it("a BoardLink reading with poll: silence is reported after silenceMs, the port reopened and the board re-identified", async () => {
    const { pair, device } = await makePty();
    const events: LinkEvent[] = [];
    link = new BoardLink({ path: pair.hostPath, silenceMs: 300, identifyWaitMs: 300, commandTimeoutMs: 200, backoff: { initialMs: 50, maxMs: 100, jitter: 0 } });
    link.on((e) => events.push(e));
    const opening = link.open();
    const helloTimer = setInterval(() => writeSync(device, hello), 100); // a board that keeps saying HELLO
    await opening;
    clearInterval(helloTimer);
    expect(link.portReader?.kind).toBe("poll");
    let seq = 1;
    const streaming = setInterval(() => writeSync(device, samples(seq++)), 20);
    await new Promise((r) => setTimeout(r, 400));
    clearInterval(streaming);
    expect(link.decoder.counters.samples).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).not.toContain("silent");
    const quietAt = performance.now();
    await until(() => events.some((e) => e.type === "silent"), 2000);
    const silent = events.find((e) => e.type === "silent");
    expect(silent).toBeDefined();
    expect(silent!.time - quietAt).toBeGreaterThanOrEqual(250);
    expect(link.state).not.toBe("ready");
    const again = setInterval(() => writeSync(device, hello), 50);
    await until(() => events.some((e) => e.type === "reconnected"), 3000);
    clearInterval(again);
    expect(events.some((e) => e.type === "reconnected")).toBe(true);
    expect(link.state).toBe("ready");
  });

  it("a BoardLink reading with poll: an unplugged pty is reported as disconnected (not as silence), and the board is back after the replug", async () => {
    const { pair } = await makePty();
    const events: LinkEvent[] = [];
    link = new BoardLink({ path: pair.hostLink, identifyWaitMs: 300, commandTimeoutMs: 200, backoff: { initialMs: 50, maxMs: 100, jitter: 0 } });
    link.on((e) => events.push(e));
    let fd = device!;
    const helloTimer = setInterval(() => {
      try {
        writeSync(fd, hello); // a board that keeps saying HELLO, whichever pty it is on
      } catch {
        // unplugged: nothing to write to
      }
    }, 50);
    try {
      await link.open();
      const unpluggedAt = performance.now();
      await pair.close();
      await until(() => events.some((e) => e.type === "disconnected"), 2000);
      expect(events.find((e) => e.type === "disconnected")!.time - unpluggedAt).toBeLessThan(1000);
      expect(events.map((e) => e.type)).not.toContain("silent");
      closeSync(fd);
      device = undefined;
      await pair.recreate();
      fd = device = openSync(pair.devicePath, "r+");
      await until(() => events.some((e) => e.type === "reconnected"), 3000);
      expect(link.state).toBe("ready");
    } finally {
      clearInterval(helloTimer);
    }
  });
});
