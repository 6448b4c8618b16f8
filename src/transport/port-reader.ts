// How a BoardLink takes bytes off its open port. Three ways, one contract:
//   "poll"   the unix ports of @serialport/bindings-cpp (Linux, macOS): waits on the binding's own
//            poller (libuv poll on the port's fd) and reads what is waiting with one non-blocking
//            read on the main thread into a preallocated buffer. No thread-pool round trip, no
//            promise, no stream, no Buffer per chunk.
//   "await"  any binding (serialport's mock binding in tests, Windows): BindingPortInterface.read()
//            in a loop into the same preallocated buffer. On unix that read is a thread-pool fs.read
//            after a poll, as serialport's stream does it.
//   "stream" serialport's SerialPortStream over the same open port: the transport's previous path,
//            kept as the reference bench/replay.ts measures the others against.
// "auto" (the default) is "poll" when the port offers it, else "await".
import type { BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { AwaitReader } from "./await-reader.ts";
import { PollReader, isUnixPort } from "./poll-reader.ts";
import { ReadBuffer } from "./read-buffer.ts";
import { StreamReader } from "./stream-reader.ts";

export type ReaderKind = "auto" | "poll" | "await" | "stream";
export const READER_KINDS: readonly ReaderKind[] = ["auto", "poll", "await", "stream"];

export interface ReadHandlers {
  /** Bytes received: a view valid until the next read (copy to keep). */
  onData(view: Uint8Array): void;
  /** The port failed or went away (a read error, end of file). Never called after stop(). */
  onLost(reason: string): void;
}

export interface PortReader {
  readonly kind: Exclude<ReaderKind, "auto">;
  /** Reads that returned bytes, since start(). */
  readonly reads: number;
  start(): void;
  /** Stops delivering; the caller closes the port (a read in flight then ends as cancelled). */
  stop(): void;
}

export interface PortReaderOptions {
  kind?: ReaderKind;
  /** Most bytes one read takes ("poll", "await"). Default 8192 (~0.35 s of both boards). */
  bufferBytes?: number;
  /** For "stream": the port's path and baud rate, as SerialPortStream wants them. */
  path: string;
  baudRate: number;
}

export const DEFAULT_READ_BYTES = 8192;

export function createPortReader(port: BindingPortInterface, options: PortReaderOptions, handlers: ReadHandlers): PortReader {
  const kind = options.kind ?? "auto";
  const buffer = () => new ReadBuffer(options.bufferBytes ?? DEFAULT_READ_BYTES);
  switch (kind) {
    case "auto":
      return isUnixPort(port) ? new PollReader(port, buffer(), handlers) : new AwaitReader(port, buffer(), handlers);
    case "poll":
      if (!isUnixPort(port)) {
        throw new TypeError(`reader "poll" needs a unix port of @serialport/bindings-cpp (an fd and a poller); ${options.path} has none`);
      }
      return new PollReader(port, buffer(), handlers);
    case "await":
      return new AwaitReader(port, buffer(), handlers);
    case "stream":
      return new StreamReader(port, options.path, options.baudRate, handlers);
    default:
      throw new TypeError(`reader must be one of ${READER_KINDS.join(", ")}, got ${String(kind)}`);
  }
}
