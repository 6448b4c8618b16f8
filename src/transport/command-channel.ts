// Commands to one board over a byte stream, each awaiting its reply with a timeout. Commands are
// sent one at a time (the board answers in order, and two SET_RATEs in flight could not be told
// apart). The owner feeds ACK and HELLO frames in through onAck / onHello and calls fail() when the
// port goes away; writing the bytes is the owner's `write`.
import { encodeFrame, FrameType, type Frame, type HelloFrame } from "../protocol/index.ts";
import { TransportError } from "./errors.ts";
import { realTimers, type TimerHandle, type Timers } from "./timers.ts";

/** ACK result codes (datasheet). */
export const AckResult = { OK: 0, BAD_ARGUMENT: 1, UNSUPPORTED: 2 } as const;

export interface SetRateReply {
  /** ACK result: 0 ok, 1 bad argument (a rate the board lacks), 2 unsupported. */
  result: number;
  /** The HELLO the board sent with its new rate; absent when the ACK was not ok. */
  hello?: HelloFrame;
}

export interface CommandChannelOptions {
  /** Default reply timeout, ms. Default 500. */
  timeoutMs?: number;
  /** Names the port in error messages. */
  label?: string;
  timers?: Timers;
}

type Waiting =
  | { kind: "ack"; command: number; resolve: (result: number) => void; reject: (e: Error) => void }
  | { kind: "hello"; resolve: (hello: HelloFrame) => void; reject: (e: Error) => void };

const NAMES: Record<number, string> = {
  [FrameType.PING]: "PING",
  [FrameType.STREAM]: "STREAM",
  [FrameType.SET_RATE]: "SET_RATE",
};

export class CommandChannel {
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: Waiting | undefined;
  private timer: TimerHandle | undefined;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private readonly label: string;

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    options: CommandChannelOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.label = options.label ?? "board";
  }

  /** PING; resolves with the HELLO it provokes. */
  ping(timeoutMs = this.timeoutMs): Promise<HelloFrame> {
    return this.enqueue(() => {
      const reply = this.awaitHello(FrameType.PING, timeoutMs);
      this.send({ type: "PING", seq: 0, t_us: 0 });
      return reply;
    });
  }

  /** STREAM on/off; resolves with the ACK result (0 = ok). */
  stream(on: boolean, timeoutMs = this.timeoutMs): Promise<number> {
    return this.enqueue(() => {
      const reply = this.awaitAck(FrameType.STREAM, timeoutMs);
      this.send({ type: "STREAM", seq: 0, t_us: 0, on: on ? 1 : 0 });
      return reply;
    });
  }

  /**
   * SET_RATE; resolves with the ACK result and, when it is ok and `expectHello` (the rate differs
   * from the board's current one), the HELLO that follows it.
   */
  setRate(rateHz: number, expectHello: boolean, timeoutMs = this.timeoutMs): Promise<SetRateReply> {
    return this.enqueue(async () => {
      const hello = expectHello ? this.helloAfterAck(timeoutMs) : undefined;
      const ack = this.awaitAck(FrameType.SET_RATE, timeoutMs);
      this.send({ type: "SET_RATE", seq: 0, t_us: 0, rate_hz: rateHz });
      let result: number;
      try {
        result = await ack;
      } catch (err) {
        hello?.cancel();
        throw err;
      }
      if (result !== AckResult.OK || !hello) {
        hello?.cancel();
        return { result };
      }
      return { result, hello: await hello.promise };
    });
  }

  /** Feed every ACK the board sends. */
  onAck(commandType: number, result: number): void {
    const w = this.waiting;
    if (w?.kind === "ack" && w.command === commandType) {
      this.settle();
      w.resolve(result);
    }
  }

  /** Feed every HELLO the board sends. */
  onHello(hello: HelloFrame): void {
    const w = this.waiting;
    if (w?.kind === "hello") {
      this.settle();
      w.resolve(hello);
    }
    const f = this.followUp;
    if (f) {
      this.followUp = undefined;
      this.timers.clearTimeout(f.timer);
      f.resolve(hello);
    }
  }

  /** Rejects the command in flight (the port went away); later commands still run. */
  fail(reason: string): void {
    const error = () => new TransportError("EP_ERR_PORT_CLOSED", `${this.label}: command aborted: ${reason}`);
    const w = this.waiting;
    if (w) {
      this.settle();
      w.reject(error());
    }
    const f = this.followUp;
    if (f) {
      this.followUp = undefined;
      this.timers.clearTimeout(f.timer);
      f.reject(error());
    }
  }

  /** The HELLO a SET_RATE awaits after its ACK. */
  private followUp:
    | { resolve: (hello: HelloFrame) => void; reject: (e: Error) => void; timer: TimerHandle }
    | undefined;

  private helloAfterAck(timeoutMs: number): { promise: Promise<HelloFrame>; cancel(): void } {
    const promise = new Promise<HelloFrame>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.followUp = undefined;
        reject(this.timeout("SET_RATE", "HELLO", timeoutMs));
      }, timeoutMs);
      this.followUp = { resolve, reject, timer };
    });
    promise.catch(() => undefined); // rejections are delivered to whoever awaits; none may go unhandled
    return {
      promise,
      cancel: () => {
        if (this.followUp) this.timers.clearTimeout(this.followUp.timer);
        this.followUp = undefined;
      },
    };
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes a command; a write that throws aborts the command it belongs to. */
  private send(frame: Frame): void {
    (frame as { seq: number }).seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    try {
      this.write(encodeFrame(frame));
    } catch (err) {
      this.fail(`write failed (${(err as Error).message})`);
    }
  }

  private awaitAck(command: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { kind: "ack", command, resolve, reject };
      this.arm(NAMES[command], "ACK", timeoutMs);
    });
  }

  private awaitHello(command: number, timeoutMs: number): Promise<HelloFrame> {
    return new Promise((resolve, reject) => {
      this.waiting = { kind: "hello", resolve, reject };
      this.arm(NAMES[command], "HELLO", timeoutMs);
    });
  }

  private arm(command: string, reply: string, timeoutMs: number): void {
    this.timer = this.timers.setTimeout(() => {
      const w = this.waiting;
      this.timer = undefined;
      this.waiting = undefined;
      w?.reject(this.timeout(command, reply, timeoutMs));
    }, timeoutMs);
  }

  private settle(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = undefined;
  }

  private timeout(command: string, reply: string, timeoutMs: number): TransportError {
    return new TransportError(
      "EP_ERR_COMMAND_TIMEOUT",
      `${this.label}: no ${reply} for ${command} within ${timeoutMs} ms`,
    );
  }
}
