// Puts simulated boards behind real pty pairs (socat), so the transport opens /dev/pts/N with the
// real serialport binding exactly as it opens hardware. Drives the simulator block by block: writes
// each board's bytes to its device end (respecting the pty's back-pressure), hands the controller's
// commands back to the simulator, paces output at `speed` × real time (Infinity: as fast as the pty
// carries it), and can unplug / replug a board (the pty torn down and made again).
import { SerialPort } from "serialport";
import { createPtyPair, type PtyPair } from "../../../firmware-sim/pty.ts";
import type { Simulator } from "../../../firmware-sim/simulator.ts";

export type BoardName = "vib" | "run";

interface End {
  pair: PtyPair;
  port: SerialPort | undefined;
  /** Bytes written to the device end, and bytes that had nowhere to go (board unplugged). */
  written: number;
  discarded: number;
  /** Frames (0x00 delimiters) written. */
  frames: number;
}

export interface PtyBoardsOptions {
  boards?: BoardName[];
  /** Board time per wall time; Infinity = no pacing. Default 1. */
  speed?: number;
  /** Stop after this much board time, µs. Default: run until stop(). */
  untilSimUs?: number;
}

function openDevice(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 921600, hupcl: false }, (err) => (err ? reject(err) : resolve(port)));
  });
}

export class PtyBoards {
  private readonly ends = new Map<BoardName, End>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wallStart = 0;
  private simStart = 0;

  private constructor(
    readonly sim: Simulator,
    private readonly options: PtyBoardsOptions,
  ) {}

  static async create(sim: Simulator, options: PtyBoardsOptions = {}): Promise<PtyBoards> {
    const boards = new PtyBoards(sim, options);
    for (const name of options.boards ?? (["vib", "run"] as BoardName[])) {
      const pair = await createPtyPair({ deviceName: `${name}-device`, hostName: name });
      const end: End = { pair, port: undefined, written: 0, discarded: 0, frames: 0 };
      boards.ends.set(name, end);
      await boards.attach(name, end);
    }
    return boards;
  }

  /** The path the controller opens (a stable link to /dev/pts/N, like /dev/serial/by-id/…). */
  hostPath(name: BoardName): string {
    return this.end(name).pair.hostLink;
  }

  stats(name: BoardName): { written: number; discarded: number; frames: number } {
    const e = this.end(name);
    return { written: e.written, discarded: e.discarded, frames: e.frames };
  }

  /** Starts producing board time. Open the controller's ports first (opening flushes the line). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.wallStart = performance.now();
    this.simStart = this.sim.simUs;
    this.loop = this.run();
  }

  /** Resolves when the simulator reached `untilSimUs` (or stop() was called) and all was written. */
  finished(): Promise<void> {
    return this.loop;
  }

  /** The USB cable comes out: the pty pair is torn down. */
  async unplug(name: BoardName): Promise<void> {
    const e = this.end(name);
    const port = e.port;
    e.port = undefined;
    await e.pair.close();
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  /** ...and goes back in: a new pty pair on the same link names. */
  async replug(name: BoardName): Promise<void> {
    const e = this.end(name);
    await e.pair.recreate();
    await this.attach(name, e);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const e of this.ends.values()) {
      const port = e.port;
      e.port = undefined;
      if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
      await e.pair.dispose();
    }
  }

  private end(name: BoardName): End {
    const e = this.ends.get(name);
    if (!e) throw new Error(`no simulated ${name} board here`);
    return e;
  }

  private async attach(name: BoardName, end: End): Promise<void> {
    const port = await openDevice(end.pair.devicePath);
    port.on("data", (bytes: Buffer) => this.sim.receive(name, bytes));
    port.on("error", () => undefined); // a torn-down pty errors here; unplug() already knows
    end.port = port;
  }

  private async run(): Promise<void> {
    const speed = this.options.speed ?? 1;
    const until = this.options.untilSimUs ?? Infinity;
    while (this.running && this.sim.simUs < until && !this.sim.done) {
      const chunks = this.sim.step();
      const writes: Promise<void>[] = [];
      for (const chunk of chunks) {
        const e = this.ends.get(chunk.board);
        if (!e) continue;
        const port = e.port;
        if (!port?.isOpen) {
          e.discarded += chunk.bytes.length;
          continue;
        }
        e.written += chunk.bytes.length;
        for (const b of chunk.bytes) if (b === 0) e.frames++;
        if (!port.write(Buffer.from(chunk.bytes))) {
          writes.push(new Promise((r) => {
            port.once("drain", () => r());
            port.once("close", () => r());
          }));
        }
      }
      await Promise.all(writes);
      if (Number.isFinite(speed)) {
        const dueMs = (this.sim.simUs - this.simStart) / 1000 / speed;
        const aheadMs = dueMs - (performance.now() - this.wallStart);
        if (aheadMs > 1) await new Promise((r) => setTimeout(r, aheadMs));
      } else if (chunks.length > 0 && this.sim.stats.blocks % 20 === 0) {
        await new Promise((r) => setImmediate(r)); // let the reader side run
      }
    }
    // wait until the device ends have handed everything to the ptys
    for (const e of this.ends.values()) {
      const port = e.port;
      if (port?.isOpen) await new Promise<void>((r) => port.drain(() => r()));
    }
  }
}
