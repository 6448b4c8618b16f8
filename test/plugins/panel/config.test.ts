// The panel's config: pin mapping checked when the config is loaded, with the offending pin named.
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../plugins/panel/config.ts";

const issues = (c: unknown) => {
  const r = configSchema.safeParse(c);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("panel config", () => {
  it("defaults to the virtual panel, the documented pins and a tip prompt at 21 cuts", () => {
    const c = configSchema.parse({});
    expect(c.io).toBe("virtual");
    expect(c.pins).toEqual({ green: 5, amber: 6, red: 7, buzzer: 8, judder: 2, noJudder: 3, tipsChanged: 4 });
    expect(c.tipChangeAt).toBe(21);
  });

  it("refuses a pin used twice, naming both roles", () => {
    expect(issues({ pins: { red: 5 } })).toEqual(["pins.red: pin 5 is already used by green"]);
    expect(issues({ pins: { judder: "A0", noJudder: "A0" } })).toEqual(["pins.noJudder: pin A0 is already used by judder"]);
  });

  it("refuses names the board does not have and the LCD's I2C pins", () => {
    expect(issues({ pins: { red: "D13" } })[0]).toMatch(/^pins\.red: .*pin number, A0–A7, GPIO0–27/);
    expect(issues({ pins: { red: "GPIO17" } })).toEqual(["pins.red: pin GPIO17 is a Raspberry Pi name; io 'virtual' takes numbers or A0–A5"]);
    expect(issues({ pins: { red: 25 } })).toEqual(["pins.red: pin 25: an Uno has pins 0–19"]);
    expect(issues({ pins: { buzzer: "A4" } })).toEqual(["pins.buzzer: pin A4 is the I2C bus of the LCD"]);
    expect(issues({ io: "raspi", pins: { green: "GPIO2", amber: "GPIO5", red: "GPIO6", buzzer: "GPIO13", judder: "GPIO17", noJudder: "GPIO27", tipsChanged: "GPIO22" } })).toEqual([
      "pins.green: pin GPIO2 is the I2C bus of the LCD",
    ]);
    expect(issues({ io: "raspi" })).toEqual(["pins.buzzer: pin 8 is the I2C bus of the LCD"]); // Wiring Pi 8 = SDA
  });

  it("a bare piezo needs a PWM pin", () => {
    expect(issues({ buzzer: { kind: "piezo" } })).toEqual(["pins.buzzer: a piezo needs a PWM pin (3, 5, 6, 9, 10, 11), got 8"]);
    expect(issues({ buzzer: { kind: "piezo" }, pins: { buzzer: 9 } })).toEqual([]);
  });

  it("needs a serial port for Firmata", () => {
    expect(issues({ io: "firmata" })).toEqual(["port: io 'firmata' needs the serial port of the board, e.g. /dev/ttyACM0"]);
    expect(issues({ io: "firmata", port: "/dev/ttyACM0" })).toEqual([]);
    expect(issues({ io: "firmata", port: "/dev/ttyACM0", pins: { judder: 1 } })).toEqual(["pins.judder: pin 1 is the Firmata board's serial link"]);
  });
});
