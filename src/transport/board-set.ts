// Keeps the two boards (VIB and RUN) found and connected: runs discovery until each kind has a
// link, gives each found board its BoardLink (which reconnects by itself) and, with a capture
// directory, its capture file (vib.bin / run.bin, appended). A board is placed by the kind in its
// HELLO, whatever port it was pinned to or found on. With no boards it says so on every scan and
// keeps looking; it never invents data.
import { join } from "node:path";
import type { BindingInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { BoardKind, type FrameSink } from "../protocol/index.ts";
import { BoardLink, type BoardLinkOptions } from "./board-link.ts";
import { CaptureWriter } from "./capture-writer.ts";
import { discoverBoards, type DiscoveryOptions, type FoundBoard } from "./discovery.ts";
import type { LinkEvent } from "./link-events.ts";
import { realTimers, type TimerHandle, type Timers } from "./timers.ts";

export type BoardRole = "vib" | "run";
export const ROLES: readonly BoardRole[] = ["vib", "run"];
const ROLE_OF_KIND: Record<number, BoardRole> = { [BoardKind.VIB]: "vib", [BoardKind.RUN]: "run" };

/** Events of the set itself (its links' events are passed through with source = role). */
export type BoardSetEvent =
  | LinkEvent
  | { type: "no-boards" | "scan" | "found" | "misplaced" | "capture-error" | "given-up"; time: number; source: string; message: string; data?: Record<string, number | string | boolean> };

export interface BoardSetOptions {
  /** Ports pinned in config, by the role the user expects there (the HELLO decides). */
  pinned?: Partial<Record<BoardRole, string>>;
  /** Ports owned by other plugins: never opened. */
  reserved?: string[];
  /** Write every received byte to DIR/vib.bin and DIR/run.bin. */
  captureDir?: string;
  /** Time between discovery scans while a board is missing, ms. Default 2000. */
  rescanMs?: number;
  /** A discovered (not pinned) board down this long is dropped and looked for afresh, ms. Default 10000. */
  rediscoverAfterMs?: number;
  /** Called with every chunk a board sends (a view: copy to keep). Optional raw tap. */
  onChunk?: (role: BoardRole, chunk: Uint8Array) => void;
  /** Decoder sinks per role. */
  sinks?: Partial<Record<BoardRole, FrameSink>>;
  binding?: BindingInterface;
  /** Link overrides (identify wait, command timeout, silence, backoff); the defaults are the datasheet's. */
  link?: Pick<BoardLinkOptions, "identifyWaitMs" | "commandTimeoutMs" | "silenceMs" | "backoff" | "reader" | "readBytes">;
  /** Discovery overrides (listing, bauds, timeouts). */
  discovery?: Omit<DiscoveryOptions, "pinned" | "reserved" | "binding" | "timers">;
  timers?: Timers;
  onEvent?: (event: BoardSetEvent) => void;
}

export class BoardSet {
  readonly links = new Map<BoardRole, BoardLink>();
  private readonly captures = new Map<BoardRole, CaptureWriter>();
  private readonly pinnedPaths = new Set<string>();
  private readonly timers: Timers;
  private timer: TimerHandle | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = true;
  /** Scans so far. */
  scans = 0;

  constructor(private readonly options: BoardSetOptions = {}) {
    this.timers = options.timers ?? realTimers;
    for (const path of Object.values(options.pinned ?? {})) if (path) this.pinnedPaths.add(path);
  }

  /** Starts looking for boards (first scan at once). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.scheduleScan(0);
  }

  /** Closes every link and capture file. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.scanning;
    await Promise.all([...this.links.values()].map((l) => l.close()));
    await Promise.all([...this.captures.values()].map((c) => c.close()));
    this.links.clear();
    this.captures.clear();
  }

  /** Roles with no link yet. */
  missing(): BoardRole[] {
    return ROLES.filter((r) => !this.links.has(r));
  }

  /** Runs one scan now (also used by tests). */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private scheduleScan(ms: number): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.scan().then(() => this.scheduleScan(this.options.rescanMs ?? 2000));
    }, ms);
  }

  private async scanOnce(): Promise<void> {
    this.dropLongLost();
    const missing = this.missing();
    if (missing.length === 0 || this.stopped) return;
    this.scans++;
    const inUse = [...this.links.values()].map((l) => l.path);
    const pinned = [...this.pinnedPaths].filter((p) => !inUse.includes(p));
    if (this.pinnedPaths.size > 0 && pinned.length === 0) return;
    const result = await discoverBoards({
      identifyWaitMs: this.options.link?.identifyWaitMs,
      commandTimeoutMs: this.options.link?.commandTimeoutMs,
      ...this.options.discovery,
      pinned: this.pinnedPaths.size > 0 ? pinned : undefined,
      reserved: [...(this.options.reserved ?? []), ...inUse],
      binding: this.options.binding,
      timers: this.options.timers,
    });
    if (this.stopped) return;
    await Promise.all(result.boards.map((board) => this.adopt(board)));
    const still = this.missing();
    if (still.length === ROLES.length) {
      const probed = result.probes.map((p) => `${p.path}: ${p.outcome}`).join(", ") || "no candidate ports";
      this.emit("no-boards", `NO SENSOR BOARDS FOUND (${probed}); still looking every ${(this.options.rescanMs ?? 2000) / 1000} s`, {
        scan: this.scans,
      });
    } else if (still.length > 0) {
      this.emit("scan", `still missing: ${still.join(", ")}`, { scan: this.scans });
    }
  }

  private async adopt(board: FoundBoard): Promise<void> {
    const role = ROLE_OF_KIND[board.hello.kind];
    if (!role) {
      this.emit("misplaced", `${board.path}: HELLO of unknown board kind ${board.hello.kind}; ignored`);
      return;
    }
    if (this.links.has(role)) return;
    const pinnedAs = (Object.entries(this.options.pinned ?? {}) as [BoardRole, string][]).find(([, p]) => p === board.path)?.[0];
    if (pinnedAs && pinnedAs !== role) {
      this.emit("misplaced", `${board.path} was given as --${pinnedAs} but its HELLO says ${role.toUpperCase()}; using it as ${role}`);
    }
    let capture: CaptureWriter | undefined;
    if (this.options.captureDir !== undefined) {
      capture = this.captures.get(role);
      if (!capture) {
        try {
          capture = await CaptureWriter.open(join(this.options.captureDir, `${role}.bin`), {
            timers: this.options.timers,
            onError: (err) => this.emit("capture-error", `${err.message}; capture of ${role} stopped, the board stays connected`),
          });
          this.captures.set(role, capture);
        } catch (err) {
          this.emit("capture-error", `${(err as Error).message}; ${role} runs without capture`);
        }
      }
    }
    const link = new BoardLink({
      ...this.options.link,
      path: board.path,
      baudRate: board.baudRate,
      binding: this.options.binding,
      label: role,
      capture,
      onChunk: this.options.onChunk ? (chunk) => this.options.onChunk!(role, chunk) : undefined,
      sink: this.options.sinks?.[role],
      decoder: role === "run" ? { channels: 1 } : { channels: 3 },
      timers: this.options.timers,
    });
    link.on((e) => this.options.onEvent?.(e));
    this.links.set(role, link);
    try {
      const hello = await link.open();
      this.emit("found", `${role.toUpperCase()} #${hello.serial_no} on ${board.path} at ${board.baudRate} baud`, {
        path: board.path,
        serialNo: hello.serial_no,
      });
    } catch (err) {
      this.links.delete(role);
      this.emit("scan", `${board.path}: found, but reopening failed (${(err as Error).message})`);
    }
  }

  /** Discovered ports may come back under another name: drop links down too long and look again. */
  private dropLongLost(): void {
    const limit = this.options.rediscoverAfterMs ?? 10_000;
    for (const [role, link] of this.links) {
      if (link.state !== "reconnecting" || this.pinnedPaths.has(link.path)) continue;
      if (link.downForMs() < limit) continue;
      this.links.delete(role);
      void link.close();
      this.emit("given-up", `${role}: ${link.path} gone for ${Math.round(link.downForMs() / 1000)} s; looking for the board on other ports`);
    }
  }

  private emit(type: Exclude<BoardSetEvent["type"], LinkEvent["type"]>, message: string, data?: Record<string, number | string | boolean>): void {
    this.options.onEvent?.({ type, time: this.timers.now(), source: "boards", message, data });
  }
}
