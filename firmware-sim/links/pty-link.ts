// The simulated boards as real serial devices: one socat pty pair per board. The simulator owns the
// device ends; the controller opens `paths.vib` / `paths.run` (or the stable `links`) with
// serialport like hardware. Commands the controller writes are answered. Timed `vanishes` faults
// tear a board's pair down and recreate it (an unplug); bytes sent meanwhile are lost.
//
//   const link = await openPtyLink(new Simulator({ scenario: "good" }), { speed: 1 });
//   // … open link.paths.vib / link.paths.run in the controller, then:
//   link.start();
//   await link.done;            // or await link.stop();

import { SerialPort } from "serialport";
import { createPtyPair, type PtyPair } from "../pty.ts";
import type { BoardName } from "../faults.ts";
import type { SimChunk, Simulator } from "../simulator.ts";
import { Pacer } from "./pacer.ts";

export interface PtyLinkOptions {
  /** Board seconds per wall second; default 1 (Infinity: as fast as possible). */
  speed?: number;
  /** Directory for the pty symlinks (default: a new temp dir). */
  dir?: string;
  /**
   * Bytes waiting to be written to a pty above which, in paced mode, chunks are dropped (counted in
   * stats.linkDropped: like a board whose host does not read); at speed Infinity generation waits
   * instead. Default 1 MiB.
   */
  maxBacklog?: number;
}

export interface PtyLink {
  /** /dev/pts/N the controller opens (current; may change after a vanish). */
  readonly paths: Record<BoardName, string>;
  /** Stable symlinks to the host ends (survive a vanish, like /dev/serial/by-id). */
  readonly links: Record<BoardName, string>;
  readonly sim: Simulator;
  readonly stats: { linkDropped: number; vanished: number };
  readonly done: Promise<void>;
  start(): void;
  /** Unplugs a board now for `ms` wall milliseconds (its pty pair disappears), then replugs it. */
  vanish(board: BoardName, ms: number): Promise<void>;
  /** Stops streaming, closes the device ends and tears down socat. */
  stop(): Promise<void>;
}

const BAUD: Record<BoardName, number> = { vib: 921600, run: 460800 };
const BOARDS: BoardName[] = ["vib", "run"];

function openDevice(path: string, baudRate: number): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate }, (err) => (err ? reject(err) : resolve(port)));
  });
}

function closeDevice(port: SerialPort | null): Promise<void> {
  return new Promise((resolve) => (port && port.isOpen ? port.close(() => resolve()) : resolve()));
}

export async function openPtyLink(sim: Simulator, opts: PtyLinkOptions = {}): Promise<PtyLink> {
  const maxBacklog = opts.maxBacklog ?? 1 << 20;
  const pairs = {} as Record<BoardName, PtyPair>;
  const ports: Record<BoardName, SerialPort | null> = { vib: null, run: null };
  const stats = { linkDropped: 0, vanished: 0 };
  for (const b of BOARDS) pairs[b] = await createPtyPair({ dir: opts.dir ? `${opts.dir}` : undefined, deviceName: `${b}-device`, hostName: b });
  const attach = async (b: BoardName) => {
    const port = await openDevice(pairs[b].devicePath, BAUD[b]);
    port.on("data", (d: Buffer) => sim.receive(b, d));
    port.on("error", () => {});
    ports[b] = port;
  };
  for (const b of BOARDS) await attach(b);

  const deliver = (chunk: SimChunk) => {
    const port = ports[chunk.board];
    if (!port || !port.isOpen || port.writableLength > maxBacklog) {
      stats.linkDropped++;
      return;
    }
    port.write(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length));
  };

  const pending = new Set<Promise<void>>();
  const vanish = async (b: BoardName, ms: number) => {
    const port = ports[b];
    ports[b] = null;
    stats.vanished++;
    await closeDevice(port);
    await pairs[b].close();
    await new Promise((r) => setTimeout(r, ms));
    if (stopped) return;
    await pairs[b].recreate();
    await attach(b);
  };

  const faults = [...(sim.faultPlan.vanishes ?? [])];
  const speed = opts.speed ?? 1;
  const onTick = (simUs: number) => {
    for (let i = faults.length - 1; i >= 0; i--) {
      const f = faults[i];
      if (simUs >= f.atS * 1e6) {
        faults.splice(i, 1);
        const wallMs = Number.isFinite(speed) ? ((f.forS ?? 1) * 1000) / speed : (f.forS ?? 1) * 1000;
        const p = vanish(f.board, wallMs).finally(() => pending.delete(p));
        pending.add(p);
      }
    }
  };
  const canSend = () => BOARDS.every((b) => !ports[b] || ports[b]!.writableLength < maxBacklog / 2);
  const pacer = new Pacer(sim, deliver, { speed, canSend }, onTick);
  let stopped = false;

  const link: PtyLink = {
    get paths() {
      return { vib: pairs.vib.hostPath, run: pairs.run.hostPath };
    },
    links: { vib: pairs.vib.hostLink, run: pairs.run.hostLink },
    sim,
    stats,
    done: pacer.done,
    start: () => pacer.start(),
    vanish,
    async stop() {
      stopped = true;
      pacer.stop();
      await Promise.allSettled([...pending]);
      for (const b of BOARDS) await closeDevice(ports[b]);
      for (const b of BOARDS) await pairs[b].dispose();
    },
  };
  return link;
}
