import { existsSync } from "node:fs";
import { SerialPort } from "serialport";
import { describe, expect, it } from "vitest";
import { createPtyPair } from "../../firmware-sim/pty.ts";

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 921600 }, (err) => (err ? reject(err) : resolve(port)));
  });
}
const closePort = (p: SerialPort) => new Promise<void>((r) => (p.isOpen ? p.close(() => r()) : r()));

async function roundTrip(hostPath: string, devicePath: string, bytes: number[]): Promise<number[]> {
  const host = await openPort(hostPath);
  const dev = await openPort(devicePath);
  const got: number[] = [];
  const done = new Promise<void>((r) => host.on("data", (d: Buffer) => { got.push(...d); if (got.length >= bytes.length) r(); }));
  dev.write(Buffer.from(bytes));
  await done;
  await closePort(host);
  await closePort(dev);
  return got;
}

describe("pty pair (socat)", () => {
  it("carries bytes device → host, vanishes on close and comes back on recreate", async () => {
    const pair = await createPtyPair();
    try {
      expect(pair.devicePath).toMatch(/^\/dev\/pts\/\d+$/);
      expect(pair.hostPath).toMatch(/^\/dev\/pts\/\d+$/);
      expect(pair.devicePath).not.toBe(pair.hostPath);
      expect(await roundTrip(pair.hostPath, pair.devicePath, [1, 2, 3, 0])).toEqual([1, 2, 3, 0]);
      await pair.close();
      expect(pair.alive).toBe(false);
      expect(existsSync(pair.hostLink)).toBe(false);
      await pair.recreate();
      expect(pair.alive).toBe(true);
      expect(existsSync(pair.hostLink)).toBe(true);
      expect(await roundTrip(pair.hostLink, pair.deviceLink, [9, 8, 0])).toEqual([9, 8, 0]);
    } finally {
      await pair.dispose();
    }
  });
});
