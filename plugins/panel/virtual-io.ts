// An in-process johnny-five IO plugin standing in for the panel's board: 20 digital pins like an
// Uno (A0–A5 are 14–19) and an I2C bus whose writes to the LCD backpack are decoded into text.
// Used with the simulator (the panel's state goes to the console and the `panel.state` channel)
// and in tests. `press(pin)` / `release(pin)` play a technician's finger on a button.
import { EventEmitter } from "node:events";
import { Hd44780 } from "./hd44780.ts";

const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, I2C: 6, UNKNOWN: 16 } as const;
const PIN_COUNT = 20;
const FIRST_ANALOG = 14;

interface VirtualPin {
  supportedModes: number[];
  mode: number | undefined;
  value: number;
  report: number;
  analogChannel: number;
}

export class VirtualPanelIO extends EventEmitter {
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly name = "VirtualPanel";
  readonly defaultLed = 13;
  readonly pins: VirtualPin[];
  readonly analogPins: number[] = [];
  isReady = false;
  /** The LCD behind the backpack at `lcdAddress`. */
  readonly lcd: Hd44780;
  private readonly readers = new Map<number, (value: number) => void>();

  constructor(readonly lcdAddress = 0x27) {
    super();
    this.lcd = new Hd44780();
    this.pins = Array.from({ length: PIN_COUNT }, (_, i) => ({
      supportedModes: i >= FIRST_ANALOG ? [MODES.INPUT, MODES.OUTPUT, MODES.ANALOG, MODES.I2C] : [MODES.INPUT, MODES.OUTPUT],
      mode: undefined,
      value: 0,
      report: 1,
      analogChannel: i >= FIRST_ANALOG ? i - FIRST_ANALOG : 127,
    }));
    for (let i = FIRST_ANALOG; i < PIN_COUNT; i++) this.analogPins.push(i);
    // Ready at once: johnny-five's Board then emits "connect" and "ready" itself on the next tick.
    this.isReady = true;
  }

  /** "A0".."A5" → 14..19; numbers and digit strings as they are. */
  normalize(pin: number | string): number {
    if (typeof pin === "number") return pin;
    const m = /^A(\d)$/.exec(pin);
    return m ? FIRST_ANALOG + Number(m[1]) : Number(pin);
  }

  pinMode(pin: number, mode: number): this {
    const p = this.pins[this.normalize(pin)];
    if (!p) throw new RangeError(`virtual panel: no pin ${pin} (0–${PIN_COUNT - 1})`);
    p.mode = mode;
    return this;
  }

  digitalWrite(pin: number, value: number): this {
    const p = this.pins[this.normalize(pin)];
    // On an input, HIGH turns the pull-up on: the line idles high (a button pulls it low).
    p.value = value ? 1 : 0;
    if (p.mode !== MODES.INPUT) this.emit("output", this.normalize(pin), p.value);
    return this;
  }

  analogWrite(pin: number, value: number): this {
    this.pins[this.normalize(pin)].value = value;
    this.emit("output", this.normalize(pin), value);
    return this;
  }

  digitalRead(pin: number, callback: (value: number) => void): this {
    const n = this.normalize(pin);
    this.readers.set(n, callback);
    callback(this.pins[n].value);
    return this;
  }

  /** Drive an input pin (a button): `level` as the board would read it. */
  setInput(pin: number | string, level: 0 | 1): void {
    const n = this.normalize(pin);
    this.pins[n].value = level;
    this.readers.get(n)?.(level);
  }

  queryPinState(pin: number, callback: () => void): this {
    callback();
    return this;
  }

  i2cConfig(): this {
    return this;
  }

  i2cWrite(address: number, registerOrData: number | number[], data?: number | number[]): this {
    if (address !== this.lcdAddress) return this;
    const bytes = ([] as number[]).concat(registerOrData, data ?? []);
    for (const b of bytes) this.lcd.write(b);
    this.emit("lcd");
    return this;
  }

  i2cWriteReg(address: number, register: number, value: number): this {
    return this.i2cWrite(address, register, value);
  }

  i2cRead(_address: number, ..._rest: unknown[]): this {
    return this;
  }

  i2cReadOnce(_address: number, ..._rest: unknown[]): this {
    return this;
  }

  setSamplingInterval(): this {
    return this;
  }

  /** What a lost USB cable looks like to johnny-five. */
  disconnect(): void {
    this.isReady = false;
    this.emit("close");
  }
}
