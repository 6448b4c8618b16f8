// The "await" reader (see port-reader.ts): BindingPortInterface.read() in a loop into one
// preallocated buffer. Works with every binding; each read is a promise (and, on unix, a thread-pool
// read after a poll), so it costs more CPU per chunk than the "poll" reader.
import type { BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import type { PortReader, ReadHandlers } from "./port-reader.ts";
import type { ReadBuffer } from "./read-buffer.ts";

export class AwaitReader implements PortReader {
  readonly kind = "await";
  reads = 0;
  private running = false;

  constructor(
    private readonly port: BindingPortInterface,
    private readonly buffer: ReadBuffer,
    private readonly handlers: ReadHandlers,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.next();
  }

  stop(): void {
    this.running = false;
  }

  private next(): void {
    this.port.read(this.buffer.bytes, 0, this.buffer.size).then(this.onRead, this.onError);
  }

  private readonly onRead = ({ bytesRead }: { bytesRead: number }): void => {
    if (!this.running) return;
    if (bytesRead === 0) {
      this.lost("end of file (the port hung up)");
      return;
    }
    this.reads++;
    this.handlers.onData(this.buffer.view(bytesRead));
    if (this.running) this.next();
  };

  // The binding contract: a read ends with `canceled` when the port is closed; any other error is a loss.
  private readonly onError = (err: Error & { canceled?: boolean }): void => {
    if (!this.running) return;
    if (err.canceled) {
      this.running = false;
      return;
    }
    this.lost(`read failed: ${err.message}`);
  };

  private lost(reason: string): void {
    this.running = false;
    this.handlers.onLost(reason);
  }
}
