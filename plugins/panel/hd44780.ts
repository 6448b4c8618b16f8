// What a 16×2 HD44780 character LCD behind a PCF8574 I2C backpack shows, rebuilt from the bytes
// written to the expander (johnny-five's PCF8574 LCD controller). The virtual panel uses it to show
// the LCD on the console, the tests to read what the real driver would have put on the glass.
//
// Backpack wiring (johnny-five's default): bit 0 RS, bit 1 RW, bit 2 EN, bit 3 backlight, bits 4–7
// D4–D7. The controller latches the data lines on EN's falling edge. Until it receives "function set,
// 4-bit" it is in 8-bit mode (one latch = one instruction, low data lines ignored); afterwards an
// instruction or character is two latches, high nibble first.
const RS = 0x01;
const EN = 0x04;
const BACKLIGHT = 0x08;
const ROW_ADDRESS = [0x00, 0x40] as const;

export class Hd44780 {
  readonly cols: number;
  readonly rows: number;
  private readonly ddram = new Uint8Array(0x80).fill(0x20);
  private address = 0;
  private cgram = false;
  private fourBit = false;
  private high: number | null = null;
  private last = 0;
  displayOn = false;
  backlight = false;

  constructor(cols = 16, rows = 2) {
    this.cols = cols;
    this.rows = rows;
  }

  /** One byte written to the expander. */
  write(byte: number): void {
    const fell = (this.last & EN) !== 0 && (byte & EN) === 0;
    this.last = byte;
    this.backlight = (byte & BACKLIGHT) !== 0;
    if (!fell) return;
    const nibble = (byte >> 4) & 0x0f;
    const rs = (byte & RS) !== 0;
    if (!this.fourBit) {
      if (!rs) this.instruction(nibble << 4);
      return;
    }
    if (this.high === null) {
      this.high = nibble;
      return;
    }
    const value = (this.high << 4) | nibble;
    this.high = null;
    if (rs) this.data(value);
    else this.instruction(value);
  }

  /** The text of each row, `cols` characters. */
  lines(): string[] {
    return ROW_ADDRESS.slice(0, this.rows).map((base) => String.fromCharCode(...this.ddram.subarray(base, base + this.cols)));
  }

  private instruction(v: number): void {
    if (v & 0x80) {
      this.address = v & 0x7f;
      this.cgram = false;
    } else if (v & 0x40) {
      this.cgram = true;
    } else if (v & 0x20) {
      this.fourBit = (v & 0x10) === 0;
      this.high = null;
    } else if (v & 0x08) {
      this.displayOn = (v & 0x04) !== 0;
    } else if (v === 0x01) {
      this.ddram.fill(0x20);
      this.address = 0;
      this.cgram = false;
    } else if ((v & 0xfe) === 0x02) {
      this.address = 0;
      this.cgram = false;
    }
  }

  private data(v: number): void {
    if (this.cgram) return;
    this.ddram[this.address] = v;
    this.address = (this.address + 1) & 0x7f;
  }
}
