// The "poll" reader (see port-reader.ts): readiness from the port's own bindings-cpp poller, then one
// non-blocking read on the main thread. Allocation-free per chunk (test/transport/poll-reader-gc).
import { readSync } from "node:fs";
import type { BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import type { PortReader, ReadHandlers } from "./port-reader.ts";
import type { ReadBuffer } from "./read-buffer.ts";

/** libuv's UV_READABLE, as @serialport/bindings-cpp's Poller takes it. */
const UV_READABLE = 1;

/** What the unix ports of @serialport/bindings-cpp have besides the binding interface. */
export interface UnixPortParts {
  /** The open, non-blocking file descriptor (null once closed). */
  readonly fd: number | null;
  /** One libuv poll on `fd`; 'readable' fires once per poll(UV_READABLE), with an error when the poll fails or is cancelled. */
  readonly poller: {
    poll(flags: number): void;
    on(event: "readable", listener: (err: Error | null) => void): unknown;
    removeListener(event: "readable", listener: (err: Error | null) => void): unknown;
  };
}

export function isUnixPort(port: BindingPortInterface): port is BindingPortInterface & UnixPortParts {
  const p = port as Partial<UnixPortParts>;
  return typeof p.fd === "number" && typeof p.poller?.poll === "function" && typeof p.poller.on === "function";
}

export class PollReader implements PortReader {
  readonly kind = "poll";
  reads = 0;
  private running = false;

  constructor(
    private readonly port: BindingPortInterface & UnixPortParts,
    private readonly buffer: ReadBuffer,
    private readonly handlers: ReadHandlers,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.port.poller.on("readable", this.onReadable);
    this.poll();
  }

  stop(): void {
    this.running = false;
    this.port.poller.removeListener("readable", this.onReadable);
  }

  private readonly onReadable = (err: Error | null): void => {
    if (!this.running) return;
    if (err) {
      if (!(err as { canceled?: boolean }).canceled) this.lost(`poll failed: ${err.message}`);
      return;
    }
    this.readReady();
  };

  /**
   * Reads what the kernel holds (again while a read fills the buffer), hands it on, and waits for more.
   * Called when the poller says readable; a read that finds nothing just waits again.
   */
  readReady(): void {
    const fd = this.port.fd;
    if (fd === null) {
      this.lost("port closed under the reader");
      return;
    }
    const size = this.buffer.size;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, this.buffer.bytes, 0, size, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "EINTR") break;
        this.lost(`read failed: ${(err as Error).message}`);
        return;
      }
      if (n === 0) {
        this.lost("end of file (the port hung up)");
        return;
      }
      this.reads++;
      this.handlers.onData(this.buffer.view(n));
      if (!this.running) return; // the receiver closed the link
      if (n < size) break;
    }
    this.poll();
  }

  private poll(): void {
    this.port.poller.poll(UV_READABLE);
  }

  private lost(reason: string): void {
    this.stop();
    this.handlers.onLost(reason);
  }
}
