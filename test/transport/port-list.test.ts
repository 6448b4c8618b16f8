import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findOnPath, listCandidatePorts } from "../../src/transport/port-list.ts";

let root: string;
let dev: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "edgeprop-ports-"));
  dev = join(root, "dev");
  await mkdir(join(dev, "serial", "by-id"), { recursive: true });
  for (const name of ["ttyACM0", "ttyACM1", "ttyUSB0", "ttyS0", "tty1", "null"]) await writeFile(join(dev, name), "");
  await symlink(join(dev, "ttyACM1"), join(dev, "serial", "by-id", "usb-Edgeprop_RUN_0002-if00"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("listCandidatePorts", () => {
  it("without udevadm on PATH never calls SerialPort.list and scans by-id, ttyACM*, ttyUSB* instead", async () => {
    let listed = 0;
    const reasons: string[] = [];
    const ports = await listCandidatePorts({
      platform: "linux",
      pathEnv: join(root, "empty-bin"),
      devDir: dev,
      list: async () => {
        listed++;
        return [];
      },
      onFallback: (r) => reasons.push(r),
    });
    expect(listed).toBe(0);
    expect(reasons).toEqual([`udevadm not on PATH: scanning ${dev}`]);
    expect(ports.map((p) => [p.path, p.realPath, p.source])).toEqual([
      [join(dev, "serial", "by-id", "usb-Edgeprop_RUN_0002-if00"), join(dev, "ttyACM1"), "scan"],
      [join(dev, "ttyACM0"), join(dev, "ttyACM0"), "scan"],
      [join(dev, "ttyUSB0"), join(dev, "ttyUSB0"), "scan"],
    ]);
  });

  it("with udevadm on PATH uses the binding's list, keeps USB ports, prefers by-id paths", async () => {
    const bin = join(root, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "udevadm"), "#!/bin/sh\n");
    await chmod(join(bin, "udevadm"), 0o755);
    expect(await findOnPath("udevadm", `${join(root, "nothing")}:${bin}`)).toBe(join(bin, "udevadm"));
    const ports = await listCandidatePorts({
      platform: "linux",
      pathEnv: bin,
      devDir: dev,
      list: async () => [
        { path: join(dev, "ttyS0"), manufacturer: undefined, serialNumber: undefined, pnpId: undefined, locationId: undefined, vendorId: undefined, productId: undefined },
        { path: join(dev, "ttyACM1"), manufacturer: "Edgeprop", serialNumber: "0002", pnpId: "usb-Edgeprop_RUN_0002-if00", locationId: undefined, vendorId: "2e8a", productId: "000a" },
        { path: join(dev, "ttyACM0"), manufacturer: "Edgeprop", serialNumber: "0001", pnpId: undefined, locationId: undefined, vendorId: "2e8a", productId: "000a" },
      ],
    });
    expect(ports.map((p) => [p.path, p.source, p.serialNumber])).toEqual([
      [join(dev, "serial", "by-id", "usb-Edgeprop_RUN_0002-if00"), "list", "0002"],
      [join(dev, "ttyACM0"), "list", "0001"],
    ]);
  });

  it("falls back to the scan when the binding's list rejects", async () => {
    const bin = join(root, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "udevadm"), "");
    await chmod(join(bin, "udevadm"), 0o755);
    const reasons: string[] = [];
    const ports = await listCandidatePorts({
      platform: "linux",
      pathEnv: bin,
      devDir: dev,
      list: async () => {
        throw new Error("spawn udevadm EACCES");
      },
      onFallback: (r) => reasons.push(r),
    });
    expect(reasons[0]).toMatch(/SerialPort.list failed \(spawn udevadm EACCES\)/);
    expect(ports).toHaveLength(3);
  });
});
