// Finds the sensor boards. Candidates are the ports pinned in config or, when none are pinned, the USB
// serial ports listed on this machine; ports that config gives to another plugin (e.g. the panel's
// Arduino, which resets when opened) are never opened. Each candidate is probed at 921600 then
// 460800 baud: opened, given 500 ms to say HELLO, PINGed, closed. A board is known by its HELLO
// (kind and serial number), never by the order ports enumerate in.
import { promises as fs } from "node:fs";
import type { BindingInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import type { HelloFrame } from "../protocol/index.ts";
import { BoardLink } from "./board-link.ts";
import { listCandidatePorts, type CandidatePort, type PortListOptions } from "./port-list.ts";
import type { Timers } from "./timers.ts";

export interface DiscoveryOptions {
  /** Ports pinned in config. When any are given, only these are probed (nothing is listed). */
  pinned?: string[];
  /** Ports that belong to other plugins: never opened, even when pinned or listed. */
  reserved?: string[];
  /** Baud rates to try, in order. Default [921600, 460800] (VIB's, then RUN's). */
  bauds?: number[];
  /** serialport binding for the probes. Default: the platform's. */
  binding?: BindingInterface;
  /** Lists candidates when nothing is pinned. Default: listCandidatePorts(listOptions). */
  list?: () => Promise<CandidatePort[]>;
  listOptions?: PortListOptions;
  /** Per probe: wait for HELLO before PING, and PING's timeout, ms. Default 500 each. */
  identifyWaitMs?: number;
  commandTimeoutMs?: number;
  timers?: Timers;
}

export interface FoundBoard {
  path: string;
  baudRate: number;
  hello: HelloFrame;
}

export interface ProbeOutcome {
  path: string;
  /** "found"; "skipped" (reserved); "unopenable" (could not be opened at any baud); "silent" (opened, no HELLO). */
  outcome: "found" | "skipped" | "unopenable" | "silent";
  detail: string;
}

export interface DiscoveryResult {
  boards: FoundBoard[];
  probes: ProbeOutcome[];
}

export const DEFAULT_BAUDS = [921600, 460800];

async function resolved(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    return path;
  }
}

export async function discoverBoards(options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const bauds = options.bauds ?? DEFAULT_BAUDS;
  const reserved = new Set<string>();
  for (const path of options.reserved ?? []) {
    reserved.add(path);
    reserved.add(await resolved(path));
  }
  const candidates: CandidatePort[] =
    options.pinned && options.pinned.length > 0
      ? await Promise.all(options.pinned.map(async (path) => ({ path, realPath: await resolved(path), source: "scan" as const })))
      : await (options.list ?? (() => listCandidatePorts(options.listOptions)))();

  const probes = await Promise.all(
    candidates.map(async (c): Promise<ProbeOutcome & { board?: FoundBoard }> => {
      if (reserved.has(c.path) || reserved.has(c.realPath)) {
        return { path: c.path, outcome: "skipped", detail: "reserved for another plugin" };
      }
      const failures: string[] = [];
      let opened = false;
      for (const baudRate of bauds) {
        const hello = await probe(c.path, baudRate, options, failures, () => (opened = true));
        if (hello) {
          return {
            path: c.path,
            outcome: "found",
            detail: `kind ${hello.kind} #${hello.serial_no} at ${baudRate} baud`,
            board: { path: c.path, baudRate, hello },
          };
        }
      }
      return { path: c.path, outcome: opened ? "silent" : "unopenable", detail: failures.join("; ") };
    }),
  );
  return {
    boards: probes.flatMap((p) => (p.board ? [p.board] : [])),
    probes: probes.map(({ path, outcome, detail }) => ({ path, outcome, detail })),
  };
}

async function probe(
  path: string,
  baudRate: number,
  options: DiscoveryOptions,
  failures: string[],
  onOpened: () => void,
): Promise<HelloFrame | undefined> {
  const link = new BoardLink({
    path,
    baudRate,
    binding: options.binding,
    timers: options.timers,
    identifyWaitMs: options.identifyWaitMs,
    commandTimeoutMs: options.commandTimeoutMs,
    reconnect: false,
    decoder: { ringCapacity: 64 },
  });
  link.on((e) => {
    if (e.type === "opened") onOpened();
  });
  try {
    return await link.open();
  } catch (err) {
    failures.push(`${baudRate} baud: ${(err as Error).message}`);
    return undefined;
  } finally {
    await link.close();
  }
}

/** The boards found, one per kind; more than one board of a kind is an error naming both ports. */
export function boardsByKind(found: FoundBoard[]): { byKind: Map<number, FoundBoard>; conflicts: string[] } {
  const byKind = new Map<number, FoundBoard>();
  const conflicts: string[] = [];
  for (const b of found) {
    const prior = byKind.get(b.hello.kind);
    if (prior) {
      conflicts.push(`two boards of kind ${b.hello.kind}: ${prior.path} (#${prior.hello.serial_no}) and ${b.path} (#${b.hello.serial_no})`);
      continue;
    }
    byKind.set(b.hello.kind, b);
  }
  return { byKind, conflicts };
}
