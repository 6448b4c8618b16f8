// One connection to the panel's board through johnny-five: the Board over a given IO plugin, the
// LEDs, buttons, buzzer and LCD on it. It draws views and reports presses and the board's loss;
// reconnecting is PanelLink's job (a new PanelBoard per connection).
import { EventEmitter } from "node:events";
import five from "johnny-five";
import type { PanelConfig, PinRole } from "./config.ts";
import type { PanelView } from "./panel-model.ts";

export type ButtonRole = Extract<PinRole, "judder" | "noJudder" | "tipsChanged">;
export const BUTTONS: readonly ButtonRole[] = ["judder", "noJudder", "tipsChanged"];

/** What johnny-five needs of an IO plugin, as far as the panel is concerned. */
export interface PanelIO extends EventEmitter {
  isReady: boolean;
}

export interface PanelBoardEvents {
  ready: [];
  press: [ButtonRole];
  lost: [string];
}

type Hardware = Pick<PanelConfig, "pins" | "lcd" | "buzzer" | "pullup" | "readyTimeoutMs">;

export class PanelBoard extends EventEmitter<PanelBoardEvents> {
  private readonly board: five.Board;
  private leds: Record<"green" | "amber" | "red", five.Led> | null = null;
  private lcd: five.LCD | null = null;
  private buzzerPin: five.Pin | null = null;
  private piezo: five.Led | null = null;
  private shown: [string, string] = ["", ""];
  /** johnny-five's read callback per button pin: close() releases a held button through it. */
  private readonly buttonReads: Array<(value: number) => void> = [];
  private ledShown = "";
  private closed = false;

  constructor(readonly io: PanelIO, private readonly hw: Hardware) {
    super();
    const options = { io, repl: false, debug: false, sigint: false, timeout: hw.readyTimeoutMs };
    this.board = new five.Board(options as five.BoardOption);
    this.board.on("ready", () => this.setUp());
    this.board.on("error", (err: unknown) => this.lose(`board error: ${err instanceof Error ? err.message : String(err)}`));
    io.on("close", () => this.lose("the board's port closed"));
    io.on("disconnect", () => this.lose("the board disconnected"));
    io.on("error", (err: unknown) => this.lose(`io error: ${err instanceof Error ? err.message : String(err)}`));
  }

  get ready(): boolean {
    return this.leds !== null && !this.closed;
  }

  private setUp(): void {
    if (this.closed) return;
    const board = this.board;
    const { pins } = this.hw;
    try {
      this.leds = { green: new five.Led({ pin: pins.green, board }), amber: new five.Led({ pin: pins.amber, board }), red: new five.Led({ pin: pins.red, board }) };
      if (this.hw.buzzer.kind === "active") {
        this.buzzerPin = new five.Pin({ pin: pins.buzzer, board, type: "digital" } as five.PinOption);
        this.buzzerPin.low();
      } else {
        this.piezo = new five.Led({ pin: pins.buzzer, board });
        this.piezo.off();
      }
      this.catchButtonReads();
      for (const role of BUTTONS) {
        const button = new five.Button({ pin: pins[role], board, isPullup: this.hw.pullup });
        button.on("down", () => this.emit("press", role));
      }
      const lcdOptions = { controller: this.hw.lcd.controller, address: this.hw.lcd.address, rows: 2, cols: 16, board };
      this.lcd = new five.LCD(lcdOptions as five.LCDI2COption);
    } catch (err) {
      this.lose(`panel set-up failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.emit("ready");
  }

  // A button held down keeps a johnny-five "hold" interval running until it reads "up"; if the board
  // goes while a finger is on it that would tick forever, so close() feeds each button its "up".
  private catchButtonReads(): void {
    const io = this.io as unknown as { digitalRead(pin: unknown, cb: (v: number) => void): unknown };
    const read = io.digitalRead.bind(io);
    io.digitalRead = (pin, cb) => {
      this.buttonReads.push(cb);
      return read(pin, cb);
    };
  }

  /** Draws a view; only what changed goes to the board (an LCD line rewrite is ~70 I2C writes). */
  show(view: PanelView): void {
    if (!this.ready) return;
    if (view.led !== this.ledShown) {
      for (const [name, led] of Object.entries(this.leds!)) {
        if (name === view.led) led.on();
        else led.off();
      }
      this.ledShown = view.led;
    }
    for (let row = 0; row < 2; row++) {
      if (view.lines[row] === this.shown[row]) continue;
      this.lcd!.cursor(row, 0).print(view.lines[row]);
      this.shown[row] = view.lines[row];
    }
  }

  buzz(on: boolean): void {
    if (!this.ready) return;
    if (this.buzzerPin) {
      if (on) this.buzzerPin.high();
      else this.buzzerPin.low();
    } else if (on) {
      this.piezo!.brightness(128); // 50 % duty: loudest square wave
    } else {
      this.piezo!.off();
    }
  }

  private lose(reason: string): void {
    if (this.closed) return;
    this.close();
    this.emit("lost", reason);
  }

  /** Lets go of the board: no more events, the port (if any) closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leds = null;
    const up = this.hw.pullup ? 1 : 0;
    for (const cb of this.buttonReads) cb(up);
    // johnny-five keeps every Board it made in a module-level list; a reconnecting panel must not grow it.
    const cache = (five.Board as unknown as { cache: unknown[] }).cache;
    const at = cache.indexOf(this.board);
    if (at >= 0) cache.splice(at, 1);
    (this.board as unknown as EventEmitter).removeAllListeners();
    this.io.removeAllListeners();
    this.io.on("error", () => undefined);
    const transport = (this.io as { transport?: { isOpen?: boolean; close?: (cb?: (err?: unknown) => void) => void } }).transport;
    if (transport?.isOpen && transport.close) transport.close(() => undefined);
  }
}
