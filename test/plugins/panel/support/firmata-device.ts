// An Arduino running StandardFirmata, as seen through serialport's mock binding: it announces its
// version and firmware when the port opens (an Uno resets on open), answers the capability and
// analog-mapping queries, applies digital/analog writes to its pins, hands I2C writes to an HD44780
// behind a PCF8574, reports button inputs, and can be unplugged and plugged back in.
import { SerialPortMock } from "serialport";
import type { MockPortBinding } from "@serialport/binding-mock" with { "resolution-mode": "require" };
import { deviceBinding, failPendingRead } from "../../../support/device-binding.ts";
import { Hd44780 } from "../../../../plugins/panel/hd44780.ts";

const PWM = [3, 5, 6, 9, 10, 11];
const PINS = 20;

export class FirmataDevice {
  lcd = new Hd44780();
  readonly levels = new Map<number, number>();
  unplugged = false;
  opens = 0;
  private port: MockPortBinding | undefined;
  private buf: number[] = [];
  private inputs = 0xfffff;
  private readonly modes = new Map<number, number>(); // pull-ups: every input idles high

  constructor(readonly path: string, readonly lcdAddress = 0x27) {
    SerialPortMock.binding.createPort(path);
  }

  attach(port: MockPortBinding): void {
    this.port = port;
    this.opens++;
    this.lcd = new Hd44780(); // the LCD loses its text with the board's power
    setImmediate(() => {
      this.send([0xf9, 2, 5]);
      this.send([0xf0, 0x79, 2, 5, ..."SF.ino".split("").flatMap((c) => [c.charCodeAt(0) & 0x7f, c.charCodeAt(0) >> 7]), 0xf7]);
    });
  }

  /** The USB cable comes out: the open port's pending read fails, and it cannot be opened. */
  unplug(): void {
    this.unplugged = true;
    failPendingRead(this.port);
  }

  replug(): void {
    this.unplugged = false;
  }

  /** A button on `pin` (pressed = LOW with the pull-up). */
  setInput(pin: number, level: 0 | 1): void {
    this.inputs = level ? this.inputs | (1 << pin) : this.inputs & ~(1 << pin);
    const port = pin >> 3;
    const bits = (this.inputs >> (port * 8)) & 0xff;
    this.send([0x90 | port, bits & 0x7f, bits >> 7]);
  }

  level(pin: number): number {
    return this.levels.get(pin) ?? 0;
  }

  receive(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b & 0x80 && b !== 0xf7 && this.buf[0] !== 0xf0) this.buf = [];
      this.buf.push(b);
      this.command();
    }
  }

  private command(): void {
    const c = this.buf;
    const first = c[0];
    if (first === 0xf0) {
      if (c.at(-1) === 0xf7) this.sysex(c.slice(1, -1));
      else return;
    } else if ((first & 0xf0) === 0x90 && c.length === 3) {
      const port = first & 0x0f;
      const bits = c[1] | (c[2] << 7);
      // A port write drives its digital pins only; a PWM pin keeps its duty.
      for (let i = 0; i < 8; i++) if (this.modes.get(port * 8 + i) !== 3) this.levels.set(port * 8 + i, (bits >> i) & 1);
    } else if ((first & 0xf0) === 0xe0 && c.length === 3) {
      this.levels.set(first & 0x0f, c[1] | (c[2] << 7));
    } else if (first === 0xf5 && c.length === 3) {
      this.levels.set(c[1], c[2]);
    } else if (first === 0xf4 && c.length === 3) {
      this.modes.set(c[1], c[2]);
    } else if ( ((first & 0xe0) === 0xc0 && c.length === 2) || first === 0xf9 || first === 0xff) {
      // pin mode, report analog/digital, version request, reset: nothing to answer
    } else {
      return;
    }
    this.buf = [];
  }

  private sysex(d: number[]): void {
    const decode = (from: number) => {
      const out: number[] = [];
      for (let i = from; i + 1 < d.length; i += 2) out.push(d[i] | (d[i + 1] << 7));
      return out;
    };
    switch (d[0]) {
      case 0x6b: {
        const caps: number[] = [];
        for (let p = 0; p < PINS; p++) {
          caps.push(0, 1, 1, 1);
          if (PWM.includes(p)) caps.push(3, 8);
          if (p >= 14) caps.push(2, 10);
          if (p === 18 || p === 19) caps.push(6, 1);
          caps.push(0x7f);
        }
        this.send([0xf0, 0x6c, ...caps, 0xf7]);
        break;
      }
      case 0x69:
        this.send([0xf0, 0x6a, ...Array.from({ length: PINS }, (_, p) => (p >= 14 ? p - 14 : 0x7f)), 0xf7]);
        break;
      case 0x79:
        this.send([0xf0, 0x79, 2, 5, 0xf7]);
        break;
      case 0x76: {
        const address = d[1];
        const writeMode = (d[2] >> 3) & 0x03;
        if (writeMode === 0 && address === this.lcdAddress) for (const b of decode(3)) this.lcd.write(b);
        break;
      }
      case 0x6f: {
        const v = d.slice(2).reduce((acc, x, i) => acc | (x << (7 * i)), 0);
        this.levels.set(d[1], v);
        break;
      }
    }
  }

  private send(bytes: number[]): void {
    if (!this.port?.isOpen || this.unplugged) return;
    this.port.emitData(Buffer.from(bytes));
  }
}

/** The mock binding with Firmata devices behind it (writes routed to the device at the path). */
export { deviceBinding as firmataBinding };
