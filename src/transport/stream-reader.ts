// The "stream" reader (see port-reader.ts): serialport's SerialPortStream over the link's open port,
// 'data' events with a Buffer per chunk. The transport's previous receive path, kept so that
// bench/replay.ts can measure the other readers against it in the same run.
import { SerialPortStream } from "@serialport/stream";
import type { BindingInterface, BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import type { PortReader, ReadHandlers } from "./port-reader.ts";

/** A binding whose open() hands back a port that is already open. */
function openedBinding(port: BindingPortInterface): BindingInterface {
  return { open: async () => port, list: async () => [] };
}

export class StreamReader implements PortReader {
  readonly kind = "stream";
  reads = 0;
  private running = false;
  private stream: SerialPortStream | undefined;

  constructor(
    private readonly port: BindingPortInterface,
    private readonly path: string,
    private readonly baudRate: number,
    private readonly handlers: ReadHandlers,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const stream = new SerialPortStream({ binding: openedBinding(this.port), path: this.path, baudRate: this.baudRate, autoOpen: false });
    this.stream = stream;
    stream.on("data", (chunk: Buffer) => {
      if (!this.running) return;
      this.reads++;
      this.handlers.onData(chunk);
    });
    // the stream closes the port itself when a read fails (a disconnect)
    stream.on("close", (err: Error | null) => this.lost(err ? err.message : "port closed"));
    stream.on("error", (err: Error) => this.lost(err.message));
    stream.open((err) => {
      if (err) this.lost(`stream: ${err.message}`);
    });
  }

  stop(): void {
    this.running = false;
    this.stream?.removeAllListeners("data");
  }

  private lost(reason: string): void {
    if (!this.running) return;
    this.stop();
    this.handlers.onLost(reason);
  }
}
