// A pseudo-terminal pair made with socat: what one end writes, the other reads, like a USB serial
// cable. The simulator owns one end (`devicePath`), the controller opens the other (`hostPath`) with
// `serialport` exactly as it would open a board (any baud rate works on a pty).
//
// Usage:
//   const pair = await createPtyPair();          // links in a fresh temp dir
//   pair.hostPath   // e.g. /dev/pts/7 (resolved from pair.hostLink)
//   await pair.close();                          // kills socat: both ends vanish (an "unplug")
//   await pair.recreate();                       // a new socat on the same link names (a "replug";
//                                                // the /dev/pts numbers may change, the links not)
// Needs the `socat` binary (apt-get install socat). Opening a port flushes bytes already waiting,
// so the controller side should open before the device side writes.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PtyPairOptions {
  /** Directory for the two symlinks; default: a new directory under the OS temp dir. */
  dir?: string;
  /** Link names inside dir; defaults "device" and "host". */
  deviceName?: string;
  hostName?: string;
  /** How long to wait for socat to create the links, ms; default 3000. */
  timeoutMs?: number;
}

export interface PtyPair {
  /** The simulator's end, /dev/pts/N (resolved from deviceLink when the pair was last made). */
  readonly devicePath: string;
  /** The controller's end, /dev/pts/M. */
  readonly hostPath: string;
  /** Stable symlinks to the two ends; they survive recreate() (like /dev/serial/by-id/…). */
  readonly deviceLink: string;
  readonly hostLink: string;
  /** True between a successful create/recreate and close(). */
  readonly alive: boolean;
  /** Kills socat and waits for the links to disappear. Safe to call twice. */
  close(): Promise<void>;
  /** Makes a new pair on the same link names (after close(); closes first if still alive). */
  recreate(): Promise<void>;
  /** close() and remove the temp dir if this pair created it. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SocatPair implements PtyPair {
  devicePath = "";
  hostPath = "";
  readonly deviceLink: string;
  readonly hostLink: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly ownsDir: boolean,
    deviceName: string,
    hostName: string,
    private readonly timeoutMs: number,
  ) {
    this.deviceLink = join(dir, deviceName);
    this.hostLink = join(dir, hostName);
  }

  get alive(): boolean {
    return this.child !== null;
  }

  async open(): Promise<void> {
    const child = spawn(
      "socat",
      [`pty,raw,echo=0,link=${this.deviceLink}`, `pty,raw,echo=0,link=${this.hostLink}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    let spawnError: Error | null = null;
    child.on("error", (e) => (spawnError = e));
    this.exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    const deadline = Date.now() + this.timeoutMs;
    while (!(existsSync(this.deviceLink) && existsSync(this.hostLink))) {
      if (spawnError) throw new Error(`pty: cannot start socat (${(spawnError as Error).message}); install it with apt-get install socat`);
      if (child.exitCode !== null) throw new Error(`pty: socat exited with code ${child.exitCode}: ${stderr.trim()}`);
      if (Date.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error(`pty: socat made no links in ${this.timeoutMs} ms (${this.deviceLink}, ${this.hostLink})`);
      }
      await sleep(5);
    }
    this.devicePath = realpathSync(this.deviceLink);
    this.hostPath = realpathSync(this.hostLink);
    this.child = child;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill("SIGTERM");
    await this.exited;
    // socat removes its links on SIGTERM; remove leftovers so a recreate waits for fresh ones.
    rmSync(this.deviceLink, { force: true });
    rmSync(this.hostLink, { force: true });
  }

  async recreate(): Promise<void> {
    await this.close();
    await this.open();
  }

  async dispose(): Promise<void> {
    await this.close();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Creates a socat pty pair; rejects with a clear error when socat is missing or fails. */
export async function createPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "edgeprop-pty-"));
  const pair = new SocatPair(dir, ownsDir, options.deviceName ?? "device", options.hostName ?? "host", options.timeoutMs ?? 3000);
  await pair.open();
  return pair;
}
