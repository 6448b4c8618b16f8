// A test double of one board behind serialport's mock binding, scripted by the test (not the
// simulator: no physics, just protocol replies made with the protocol's own encoder). It answers
// PING / STREAM / SET_RATE like the datasheet says, sends SAMPLES and STATUS when the test ticks
// it, and can be unplugged, replugged, silenced or rebooted.
import { SerialPortMock } from "serialport";
import type { MockPortBinding } from "@serialport/binding-mock" with { "resolution-mode": "require" };
import { deviceBinding, failPendingRead } from "../../support/device-binding.ts";
import { decodeFrame, encodeFrame, type Frame } from "../../../src/protocol/index.ts";

export interface ScriptedBoardOptions {
  kind?: number;
  serialNo?: number;
  rateHz?: number;
  rates?: number[];
  channels?: number;
  lsb?: number;
  samplesPerFrame?: number;
  /** Send HELLO as soon as the port opens (as at power-up). Default false. */
  helloOnOpen?: boolean;
  /** The only baud rate at which the board is understood; other rates hear and say nothing. */
  baudRate?: number;
}

export class ScriptedBoard {
  readonly kind: number;
  readonly serialNo: number;
  rateHz: number;
  readonly rates: number[];
  readonly channels: number;
  readonly lsb: number;
  readonly samplesPerFrame: number;
  helloOnOpen: boolean;
  /** Ignores commands and sends nothing while true. */
  silent = false;
  /** The port is gone while true: opens fail, the open port errors. */
  unplugged = false;
  streaming = true;
  seq = 0;
  tUs = 1_000_000;
  readonly baudRate: number | undefined;
  /** Times the port was opened, and at which baud rates. */
  readonly openedAt: number[] = [];
  private baudMatches = true;
  /** Commands received, decoded. */
  readonly received: Frame[] = [];
  private port: MockPortBinding | undefined;

  constructor(
    readonly path: string,
    options: ScriptedBoardOptions = {},
  ) {
    this.kind = options.kind ?? 1;
    this.serialNo = options.serialNo ?? 1001;
    this.rateHz = options.rateHz ?? 3200;
    this.rates = options.rates ?? [400, 800, 1600, 3200];
    this.channels = options.channels ?? 3;
    this.lsb = options.lsb ?? 0.0039;
    this.samplesPerFrame = options.samplesPerFrame ?? 32;
    this.helloOnOpen = options.helloOnOpen ?? false;
    this.baudRate = options.baudRate;
    SerialPortMock.binding.createPort(path);
  }

  get open(): boolean {
    return !!this.port?.isOpen;
  }

  attach(port: MockPortBinding, baudRate: number): void {
    this.port = port;
    this.openedAt.push(baudRate);
    this.baudMatches = this.baudRate === undefined || this.baudRate === baudRate;
    if (this.helloOnOpen) setImmediate(() => this.sendHello());
  }

  /** The controller wrote bytes. */
  receive(bytes: Uint8Array): void {
    if (this.silent || !this.baudMatches) return;
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) continue;
      const r = decodeFrame(bytes.subarray(start, i + 1));
      start = i + 1;
      if (!r.ok) continue;
      this.received.push(r.frame);
      this.answer(r.frame);
    }
  }

  send(frame: Frame): void {
    if (this.silent || !this.baudMatches || !this.port?.isOpen) return;
    this.port.emitData(Buffer.from(encodeFrame(frame)));
  }

  sendHello(): void {
    this.send({
      type: "HELLO", seq: this.nextSeq(), t_us: this.tUs, kind: this.kind, fw_major: 1, fw_minor: 2,
      channels: this.channels, serial_no: this.serialNo, rate_hz: this.rateHz, lsb: this.lsb,
    });
  }

  /** One SAMPLES frame (when streaming) and, when `status`, a STATUS with the given flags. */
  tick(status = false, statusFlags = 0): void {
    const n = this.samplesPerFrame;
    if (this.streaming) {
      const raw = new Int16Array(n * this.channels);
      for (let i = 0; i < raw.length; i++) raw[i] = (this.seq * 7 + i) % 1000;
      this.send({ type: "SAMPLES", seq: this.nextSeq(), t_us: this.tUs, n, channels: this.channels, raw });
    }
    this.tUs += Math.round((n * 1e6) / this.rateHz);
    if (status) this.send({ type: "STATUS", seq: this.nextSeq(), t_us: this.tUs, flags: statusFlags, temp_c_x100: 2500, dropped: 0 });
  }

  /** Advances board time and seq as if frames were sent while nobody listened. */
  skip(frames: number): void {
    this.seq = (this.seq + frames) & 0xffff;
    this.tUs += Math.round((frames * this.samplesPerFrame * 1e6) / this.rateHz);
  }

  reboot(): void {
    this.seq = 0;
    this.streaming = true;
    this.sendHello();
  }

  /** The USB cable comes out: the open port fails under the controller. */
  unplug(): void {
    this.unplugged = true;
    failPendingRead(this.port);
  }

  replug(): void {
    this.unplugged = false;
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return s;
  }

  private answer(frame: Frame): void {
    switch (frame.type) {
      case "PING":
        this.sendHello();
        return;
      case "STREAM":
        this.streaming = frame.on === 1;
        this.send({ type: "ACK", seq: this.nextSeq(), t_us: this.tUs, command_type: 0x82, result: 0 });
        return;
      case "SET_RATE": {
        const ok = this.rates.includes(frame.rate_hz);
        this.send({ type: "ACK", seq: this.nextSeq(), t_us: this.tUs, command_type: 0x83, result: ok ? 0 : 1 });
        if (ok && frame.rate_hz !== this.rateHz) {
          this.rateHz = frame.rate_hz;
          this.sendHello();
        }
        return;
      }
      default:
    }
  }
}

/**
 * The mock binding with scripted boards behind it: opening a board's path attaches the board to the
 * opened mock port and routes the controller's writes to it.
 */
export { deviceBinding as scriptedBinding };
