// Lists serial ports that could be sensor boards, without ever letting `SerialPort.list()` take the
// process down. On Linux that call spawns `udevadm`; where udevadm is missing (containers, minimal
// images) the spawn fails inside @serialport/bindings-cpp, so we only call it when udevadm is on
// PATH and otherwise scan /dev ourselves (by-id links first: they survive re-enumeration).
import { promises as fs, constants as fsConstants } from "node:fs";
import { delimiter, join } from "node:path";
import type { PortInfo } from "@serialport/bindings-interface" with { "resolution-mode": "require" };

export interface CandidatePort {
  /** Path to open (a /dev/serial/by-id link when one exists). */
  path: string;
  /** The device node behind `path` (symlinks resolved), used to match ports given to other plugins. */
  realPath: string;
  /** How it was found. */
  source: "list" | "scan";
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface PortListOptions {
  /** Search path for udevadm. Default `process.env.PATH`. */
  pathEnv?: string;
  /** Platform; udevadm is only needed on "linux". Default `process.platform`. */
  platform?: string;
  /** Root of the device tree to scan in the fallback. Default "/dev". */
  devDir?: string;
  /** The binding's list (default: the auto-detected binding's `SerialPort.list`), injectable for tests. */
  list?: () => Promise<PortInfo[]>;
  /** Receives why the fallback was used (e.g. "udevadm not on PATH"). */
  onFallback?: (reason: string) => void;
}

const USB_SERIAL = /tty(ACM|USB)\d+$/;

export async function findOnPath(command: string, pathEnv: string): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function realPathOf(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    return path;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** The fallback: /dev/serial/by-id/* links, then /dev/ttyACM* and /dev/ttyUSB* not already covered. */
export async function scanDevDir(devDir = "/dev"): Promise<CandidatePort[]> {
  const found: CandidatePort[] = [];
  const seen = new Set<string>();
  const byId = join(devDir, "serial", "by-id");
  for (const name of await listDir(byId)) {
    const path = join(byId, name);
    const realPath = await realPathOf(path);
    if (seen.has(realPath)) continue;
    seen.add(realPath);
    found.push({ path, realPath, source: "scan" });
  }
  for (const name of await listDir(devDir)) {
    if (!USB_SERIAL.test(name)) continue;
    const path = join(devDir, name);
    const realPath = await realPathOf(path);
    if (seen.has(realPath)) continue;
    seen.add(realPath);
    found.push({ path, realPath, source: "scan" });
  }
  return found;
}

async function defaultList(): Promise<PortInfo[]> {
  const { SerialPort } = await import("serialport");
  return SerialPort.list();
}

/**
 * USB serial ports that may be boards. Built-in UARTs (ttyS*, ttyAMA*) are left out: the boards are
 * USB devices, and probing a UART that something else drives is not harmless.
 */
export async function listCandidatePorts(options: PortListOptions = {}): Promise<CandidatePort[]> {
  const platform = options.platform ?? process.platform;
  const devDir = options.devDir ?? "/dev";
  if (platform === "linux") {
    const udevadm = await findOnPath("udevadm", options.pathEnv ?? process.env.PATH ?? "");
    if (!udevadm) {
      options.onFallback?.("udevadm not on PATH: scanning " + devDir);
      return scanDevDir(devDir);
    }
  }
  let infos: PortInfo[];
  try {
    infos = await (options.list ?? defaultList)();
  } catch (err) {
    options.onFallback?.(`SerialPort.list failed (${(err as Error).message}): scanning ${devDir}`);
    return scanDevDir(devDir);
  }
  const found: CandidatePort[] = [];
  for (const info of infos) {
    if (!info.vendorId && !USB_SERIAL.test(info.path)) continue;
    const byId = info.pnpId ? join(devDir, "serial", "by-id", info.pnpId) : undefined;
    const path = byId && (await realPathOf(byId)) !== byId ? byId : info.path;
    found.push({
      path,
      realPath: await realPathOf(info.path),
      source: "list",
      vendorId: info.vendorId,
      productId: info.productId,
      serialNumber: info.serialNumber,
    });
  }
  return found;
}
