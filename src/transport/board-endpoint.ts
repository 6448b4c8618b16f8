// The device contract: what the controller can do with one sensor board, whatever carries its bytes
// (a USB serial port, a pty to the simulator, serialport's mock binding). Types only. BoardLink
// implements it; test/transport/board-endpoint.contract.ts is the one suite every carrier passes.
import type { HelloFrame } from "../protocol/index.ts";
import type { StreamDecoder } from "../protocol/stream-decoder.ts";
import type { SetRateReply } from "./command-channel.ts";

export type BoardState =
  /** Not open, and not trying to be. */
  | "closed"
  /** Opening the port. */
  | "opening"
  /** Port open, waiting for HELLO (PING after `identifyWaitMs`). */
  | "identifying"
  /** Identified and receiving. */
  | "ready"
  /** Lost (silent, unplugged, failed to identify); waiting to retry. */
  | "reconnecting";

export interface BoardEndpoint {
  /** Names the board in events and errors (its port path unless configured). */
  readonly label: string;
  readonly state: BoardState;
  /** The latest HELLO (undefined until identified). Updated by every HELLO, e.g. after SET_RATE. */
  readonly hello: HelloFrame | undefined;
  /** The decoder fed by this board: its ring holds the samples, its counters the drops and gaps. */
  readonly decoder: StreamDecoder;
  /** Opens the port and identifies the board by its HELLO; rejects (port closed again) on failure. */
  open(): Promise<HelloFrame>;
  /** PING → the HELLO it provokes. */
  ping(): Promise<HelloFrame>;
  /** STREAM on/off → ACK result (0 ok). */
  setStreaming(on: boolean): Promise<number>;
  /** SET_RATE → ACK result, and the HELLO with the new rate when the rate changed. */
  setRate(rateHz: number): Promise<SetRateReply>;
  /** Closes the port and stops any reconnecting. Safe to call twice. */
  close(): Promise<void>;
}
