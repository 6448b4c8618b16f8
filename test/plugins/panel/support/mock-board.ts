// A mock Firmata board for the panel (mock-firmata 0.2.0, subclassed): records every pin and I2C
// write, decodes the LCD backpack's bytes into text, and drives inputs like a finger on a button.
import { createRequire } from "node:module";
import type { EventEmitter } from "node:events";
import { Hd44780 } from "../../../../plugins/panel/hd44780.ts";

const require = createRequire(import.meta.url);
const MockFirmata = require("mock-firmata").Firmata as new (opts?: Record<string, unknown>) => EventEmitter & {
  pins: Array<{ value: number; mode: number }>;
  isReady: boolean;
};

export interface PinWrite {
  pin: number;
  value: number;
  /** Date.now() at the write (fake time in the tests). */
  at: number;
}

export class MockPanelBoard extends MockFirmata {
  readonly lcd = new Hd44780();
  readonly writes: PinWrite[] = [];
  readonly i2cBytes: number[] = [];
  private readonly readers = new Map<number, (v: number) => void>();
  private readonly levels = new Map<number, number>();

  constructor(readonly lcdAddress = 0x27) {
    super();
    // board-io turns ready on its "ready" event; johnny-five then emits "connect" and "ready" itself
    // (next tick) for an IO that is already ready, as with a Firmata board that answered.
    this.emit("ready");
  }

  pinMode(pin: number, mode: number): this {
    this.pins[pin].mode = mode;
    return this;
  }

  digitalWrite(pin: number, value: number): this {
    this.levels.set(pin, value);
    this.writes.push({ pin, value, at: Date.now() });
    return this;
  }

  analogWrite(pin: number, value: number): this {
    this.levels.set(pin, value);
    this.writes.push({ pin, value, at: Date.now() });
    return this;
  }

  digitalRead(pin: number, callback: (v: number) => void): this {
    this.readers.set(pin, callback);
    return this;
  }

  i2cConfig(): this {
    return this;
  }

  i2cWrite(address: number, registerOrData: number | number[], data?: number | number[]): this {
    if (address === this.lcdAddress) {
      for (const b of ([] as number[]).concat(registerOrData, data ?? [])) {
        this.i2cBytes.push(b);
        this.lcd.write(b);
      }
    }
    return this;
  }

  /** The last level written to `pin` (0 when never written). */
  level(pin: number): number {
    return this.levels.get(pin) ?? 0;
  }

  /** Reports an input level as Firmata would (pressed = 0 with pull-ups). */
  input(pin: number, value: 0 | 1): void {
    const cb = this.readers.get(pin);
    if (!cb) throw new Error(`pin ${pin} is not being read`);
    cb(value);
  }
}
