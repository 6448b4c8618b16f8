// One sensor board on one serial port: opens it through a serialport binding (the real one, or the
// mock binding in tests: the same class either way), feeds every received chunk to a StreamDecoder
// (and to a capture file, when given), sends commands and awaits their replies, identifies the board
// by its HELLO, and keeps it connected: a board silent for `silenceMs` of wall time or whose port
// goes away is reported, the port is closed and reopened with backoff, and the board re-identified.
//
// Bytes are taken off the port by a PortReader (port-reader.ts): by default, on Linux and macOS, one
// non-blocking read per poll into a preallocated buffer, without serialport's stream layer.
//
// Ownership: the link owns its port, reader, decoder and timers; the capture writer stays the caller's
// (close it after the link). The decoder outlives reconnects, so its ring and counters carry on and a
// reconnect shows up there as a seq gap (a new segment) or a board reset, never as a crash.
import type { BindingInterface, BindingPortInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import { TIME_RAW_US, type HelloFrame } from "../protocol/index.ts";
import { StreamDecoder, type FrameSink, type StreamDecoderOptions } from "../protocol/stream-decoder.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import type { BoardEndpoint, BoardState } from "./board-endpoint.ts";
import type { CaptureWriter } from "./capture-writer.ts";
import { CommandChannel, type SetRateReply } from "./command-channel.ts";
import { TransportError } from "./errors.ts";
import type { LinkEvent, LinkEventType, LinkListener } from "./link-events.ts";
import { createPortReader, type PortReader, type ReaderKind } from "./port-reader.ts";
import { SilenceWatchdog } from "./silence-watchdog.ts";
import { realTimers, type TimerHandle, type Timers } from "./timers.ts";

const STATUS_CLOCK_RESET = 0x08;

export interface BoardLinkOptions {
  /** Port to open, e.g. /dev/serial/by-id/usb-…, /dev/ttyACM0, /dev/pts/7. */
  path: string;
  /** Baud rate. Default 921600 (a pty ignores it; a real board needs its own: VIB 921600, RUN 460800). */
  baudRate?: number;
  /** serialport binding. Default: the platform's (SerialPort.binding); tests pass SerialPortMock.binding. */
  binding?: BindingInterface;
  /** Options of the link's StreamDecoder (its sink is set by the link: pass `sink` below). */
  decoder?: Omit<StreamDecoderOptions, "sink">;
  /** Receives every decoder callback, after the link has seen it. */
  sink?: FrameSink;
  /** Every received byte is also written here. Owned by the caller. */
  capture?: CaptureWriter;
  /** How bytes are read off the port (see port-reader.ts). Default "auto": "poll" where the binding offers it, else "await". */
  reader?: ReaderKind;
  /** Most bytes one read takes. Default 8192. */
  readBytes?: number;
  /** Called with every received chunk (a view the caller must copy to keep). Optional raw tap. */
  onChunk?: (chunk: Uint8Array) => void;
  /** Names the board in events and errors. Default: `path`. */
  label?: string;
  /** Wait this long for a HELLO after opening before sending PING, ms. Default 500. */
  identifyWaitMs?: number;
  /** Reply timeout of each command, ms. Default 500. */
  commandTimeoutMs?: number;
  /** Wall-clock silence that counts as a lost board, ms. Default 2000 (datasheet). */
  silenceMs?: number;
  /** Reopen after a loss. Default true. With false, a loss leaves the link closed (used by probes). */
  reconnect?: boolean;
  /** Retry delays after a loss. Default: 100 ms doubling to 1000 ms, 20 % jitter. */
  backoff?: BackoffOptions;
  timers?: Timers;
}

export class BoardLink implements BoardEndpoint {
  readonly label: string;
  readonly path: string;
  readonly baudRate: number;
  readonly decoder: StreamDecoder;
  /** Counts since construction. */
  readonly stats = { opens: 0, disconnects: 0, silences: 0, reconnects: 0, resets: 0, clockResets: 0 };

  private stateValue: BoardState = "closed";
  private helloValue: HelloFrame | undefined;
  private binding: BindingInterface | undefined;
  private port: BindingPortInterface | undefined;
  private reader: PortReader | undefined;
  /** Writes one at a time, as the binding contract asks. */
  private writing: Promise<void> = Promise.resolve();
  private readonly channel: CommandChannel;
  private readonly watchdog: SilenceWatchdog;
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly listeners = new Set<LinkListener>();
  private readonly capture: CaptureWriter | undefined;
  private readonly onChunk: ((chunk: Uint8Array) => void) | undefined;
  private readonly userSink: FrameSink;
  private helloWaiter: ((hello: HelloFrame) => void) | undefined;
  private retryTimer: TimerHandle | undefined;
  private ownerClosed = true;
  private lostAt = 0;
  /** The port being closed after a loss; a reopen waits for it. */
  private closing: Promise<void> = Promise.resolve();

  constructor(private readonly options: BoardLinkOptions) {
    this.path = options.path;
    this.label = options.label ?? options.path;
    this.baudRate = options.baudRate ?? 921600;
    this.binding = options.binding;
    this.timers = options.timers ?? realTimers;
    this.capture = options.capture;
    this.onChunk = options.onChunk;
    this.userSink = options.sink ?? {};
    this.decoder = new StreamDecoder({ ...options.decoder, sink: this.makeSink() });
    this.channel = new CommandChannel((bytes) => this.writeBytes(bytes), {
      timers: this.timers,
      timeoutMs: options.commandTimeoutMs ?? 500,
      label: this.label,
    });
    this.watchdog = new SilenceWatchdog(this.timers, options.silenceMs ?? 2000, (ms) => this.onSilent(ms));
    this.backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.2, ...options.backoff });
  }

  /** The reader of the open port ("poll", "await" or "stream"), and its read count; undefined while closed. */
  get portReader(): Pick<PortReader, "kind" | "reads"> | undefined {
    return this.reader;
  }

  get state(): BoardState {
    return this.stateValue;
  }

  get hello(): HelloFrame | undefined {
    return this.helloValue;
  }

  /** Wall ms since the board was lost, while reconnecting; 0 otherwise. */
  downForMs(): number {
    return this.stateValue === "reconnecting" ? this.timers.now() - this.lostAt : 0;
  }

  /** Adds an event listener; returns its removal. */
  on(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async open(): Promise<HelloFrame> {
    if (this.stateValue !== "closed") {
      throw new TransportError("EP_ERR_PORT_OPEN", `${this.label}: open() while ${this.stateValue}`);
    }
    this.ownerClosed = false;
    try {
      return await this.connect(false);
    } catch (err) {
      this.ownerClosed = true;
      this.stateValue = "closed";
      throw err;
    }
  }

  ping(): Promise<HelloFrame> {
    return this.channel.ping();
  }

  setStreaming(on: boolean): Promise<number> {
    return this.channel.stream(on);
  }

  setRate(rateHz: number): Promise<SetRateReply> {
    return this.channel.setRate(rateHz, rateHz !== this.helloValue?.rate_hz);
  }

  async close(): Promise<void> {
    const wasOpen = !this.ownerClosed;
    this.ownerClosed = true;
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchdog.stop();
    this.channel.fail("link closed");
    await this.closePort();
    this.stateValue = "closed";
    if (wasOpen) this.emit("closed", "closed by its owner");
  }

  /** Opens the port and identifies the board; on failure the port is closed again and this rejects. */
  private async connect(isRetry: boolean): Promise<HelloFrame> {
    this.stateValue = "opening";
    await this.closing;
    const port = await this.openPort();
    if (this.ownerClosed) {
      await this.closePort();
      throw new TransportError("EP_ERR_PORT_CLOSED", `${this.label}: closed while opening`);
    }
    this.stats.opens++;
    this.emit("opened", `opened at ${this.baudRate} baud`, { baudRate: this.baudRate });
    this.stateValue = "identifying";
    this.watchdog.start();
    try {
      const { hello, viaPing } = await this.identify();
      if (this.port !== port || this.ownerClosed) throw new TransportError("EP_ERR_PORT_CLOSED", `${this.label}: lost while identifying`);
      this.stateValue = "ready";
      this.emit("identified", `${kindName(hello.kind)} #${hello.serial_no} at ${hello.rate_hz} Hz${viaPing ? " (after PING)" : ""}`, {
        kind: hello.kind,
        serialNo: hello.serial_no,
        rateHz: hello.rate_hz,
        viaPing,
        retry: isRetry,
      });
      return hello;
    } catch (err) {
      this.watchdog.stop();
      await this.closePort();
      throw err;
    }
  }

  private async identify(): Promise<{ hello: HelloFrame; viaPing: boolean }> {
    const waitMs = this.options.identifyWaitMs ?? 500;
    const early = await new Promise<HelloFrame | undefined>((resolve) => {
      const timer = this.timers.setTimeout(() => {
        this.helloWaiter = undefined;
        resolve(undefined);
      }, waitMs);
      this.helloWaiter = (hello) => {
        this.helloWaiter = undefined;
        this.timers.clearTimeout(timer);
        resolve(hello);
      };
    });
    if (early) return { hello: early, viaPing: false };
    try {
      return { hello: await this.channel.ping(), viaPing: true };
    } catch (err) {
      const e = err as TransportError;
      if (e.code !== "EP_ERR_COMMAND_TIMEOUT") throw err;
      throw new TransportError("EP_ERR_NO_HELLO", `${this.label}: no HELLO within ${waitMs} ms, nor after PING`, { cause: err });
    }
  }

  private async openPort(): Promise<BindingPortInterface> {
    this.binding ??= (await import("serialport")).SerialPort.binding as BindingInterface;
    let port: BindingPortInterface;
    try {
      port = await this.binding.open({ path: this.path, baudRate: this.baudRate });
    } catch (err) {
      throw new TransportError("EP_ERR_PORT_OPEN", `${this.label}: cannot open ${this.path} at ${this.baudRate} baud: ${(err as Error).message}`, { cause: err });
    }
    let reader: PortReader;
    try {
      reader = createPortReader(
        port,
        { kind: this.options.reader, bufferBytes: this.options.readBytes, path: this.path, baudRate: this.baudRate },
        {
          onData: (view) => {
            if (port === this.port) this.receive(view);
          },
          onLost: (reason) => this.onPortGone(port, reason),
        },
      );
    } catch (err) {
      await port.close().catch(() => undefined);
      throw err;
    }
    this.port = port;
    this.reader = reader;
    this.writing = Promise.resolve();
    reader.start();
    return port;
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.reader?.stop();
    this.reader = undefined;
    // A frame cut short by the loss must not swallow the first frame after the reopen.
    if (this.decoder.pendingBytes() > 0) this.decoder.push(DELIMITER);
    if (!port || !port.isOpen) return;
    await port.close().catch(() => undefined);
  }

  private writeBytes(bytes: Uint8Array): void {
    const port = this.port;
    if (!port || !port.isOpen) throw new Error(`${this.path} is not open`);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.writing = this.writing
      .then(() => port.write(buffer))
      .catch((err: Error & { canceled?: boolean }) => {
        if (!err.canceled) this.onPortGone(port, `write failed: ${err.message}`);
      });
  }

  /**
   * The receive path, called with every chunk the port delivers: marks the board alive, captures the
   * bytes, decodes them. Allocation-free (proved by test/transport/link-receive-gc.test.ts).
   */
  receive(chunk: Uint8Array): void {
    this.watchdog.kick();
    this.capture?.write(chunk);
    this.onChunk?.(chunk);
    this.decoder.push(chunk);
  }

  private onSilent(silentMs: number): void {
    this.stats.silences++;
    this.emit("silent", `no data for ${Math.round(silentMs)} ms`, { silentMs: Math.round(silentMs) });
    this.lose(`silent for ${Math.round(silentMs)} ms`);
  }

  private onPortGone(port: BindingPortInterface, reason: string): void {
    if (port !== this.port || this.ownerClosed) return;
    this.stats.disconnects++;
    this.emit("disconnected", `port lost: ${reason}`, { reason });
    this.lose(reason);
  }

  /** The board is gone: drop the port and, unless a retry is already under way, schedule one. */
  private lose(reason: string): void {
    const wasUp = this.stateValue === "ready";
    this.watchdog.stop();
    this.channel.fail(reason);
    this.closing = this.closePort();
    if (!wasUp) return; // a failing connect() handles its own retry
    this.lostAt = this.timers.now();
    if (this.options.reconnect === false) {
      this.ownerClosed = true;
      this.stateValue = "closed";
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.ownerClosed) return;
    this.stateValue = "reconnecting";
    const delayMs = this.backoff.next();
    this.emit("reconnecting", `retry ${this.backoff.attempts} in ${Math.round(delayMs)} ms`, {
      attempt: this.backoff.attempts,
      delayMs: Math.round(delayMs),
    });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect(true).then(
        () => {
          this.stats.reconnects++;
          const attempts = this.backoff.attempts;
          this.backoff.reset();
          const downMs = Math.round(this.timers.now() - this.lostAt);
          this.emit("reconnected", `back after ${downMs} ms (${attempts} attempts)`, { downMs, attempts });
        },
        (err: TransportError) => {
          if (this.ownerClosed) return;
          this.emit("open-failed", err.message, { code: err.code ?? "EP_ERR_PORT_OPEN" });
          this.scheduleRetry();
        },
      );
    }, delayMs);
  }

  private makeSink(): FrameSink {
    const user = () => this.userSink;
    return {
      onHello: (kind, fwMajor, fwMinor, channels, serialNo, rateHz, lsb, reset) => {
        const hello: HelloFrame = {
          type: "HELLO", seq: this.decoder.lastSeq, t_us: this.decoder.times[TIME_RAW_US],
          kind, fw_major: fwMajor, fw_minor: fwMinor, channels, serial_no: serialNo, rate_hz: rateHz, lsb,
        };
        this.helloValue = hello;
        if (reset) {
          this.stats.resets++;
          this.emit("board-reset", `board rebooted (HELLO with seq 0)`, { kind, serialNo });
        }
        this.helloWaiter?.(hello);
        this.channel.onHello(hello);
        user().onHello?.(kind, fwMajor, fwMinor, channels, serialNo, rateHz, lsb, reset);
      },
      onSamples: (first, n, channels) => user().onSamples?.(first, n, channels),
      onIndex: (period) => user().onIndex?.(period),
      onLathe: (state, rpm, tool, flags) => user().onLathe?.(state, rpm, tool, flags),
      onStatus: (flags, temp, dropped) => {
        if (flags & STATUS_CLOCK_RESET) {
          this.stats.clockResets++;
          this.emit("clock-reset", "board reports its clock was reset");
        }
        user().onStatus?.(flags, temp, dropped);
      },
      onAck: (command, result) => {
        this.channel.onAck(command, result);
        user().onAck?.(command, result);
      },
      onCommand: (type, arg, seq) => user().onCommand?.(type, arg, seq),
      onGap: (lost, seq) => user().onGap?.(lost, seq),
      onDrop: (reason) => user().onDrop?.(reason),
    };
  }

  private emit(type: LinkEventType, message: string, data?: LinkEvent["data"]): void {
    if (this.listeners.size === 0) return;
    const event: LinkEvent = { type, time: this.timers.now(), source: this.label, message, data };
    for (const listener of this.listeners) listener(event);
  }
}

const DELIMITER = new Uint8Array(1);

export function kindName(kind: number): string {
  return kind === 1 ? "VIB" : kind === 2 ? "RUN" : `kind ${kind}`;
}
