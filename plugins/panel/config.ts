// The panel plugin's config. Pins are the board's own names: numbers or "A0".."A5" on an Arduino
// (Firmata, virtual), "GPIO17" / "P1-11" on a Raspberry Pi (raspi-io). The LCD sits on the board's
// I2C bus (Uno: A4/A5; Pi: GPIO2/3), so those pins cannot be used for anything else.
import { z } from "../../src/runtime/index.ts";

const pinName = z.union([
  z.number().int().min(0).max(63),
  z.string().regex(/^(A[0-7]|GPIO([0-9]|1[0-9]|2[0-7])|P1-([1-9]|[1-3][0-9]|40)|[0-9]{1,2})$/, "a pin number, A0–A7, GPIO0–27 or P1-1–P1-40"),
]);

const I2C_PINS: Record<string, readonly string[]> = { firmata: ["A4", "A5", "18", "19"], virtual: ["A4", "A5", "18", "19"], raspi: ["GPIO2", "GPIO3", "P1-3", "P1-5"] };

export const pinsSchema = z.object({
  green: pinName.default(5),
  amber: pinName.default(6),
  red: pinName.default(7),
  /** An active buzzer (on = HIGH) or a piezo, see `buzzer.kind`. */
  buzzer: pinName.default(8),
  judder: pinName.default(2),
  noJudder: pinName.default(3),
  tipsChanged: pinName.default(4),
});

export const configSchema = z
  .object({
    /** Which johnny-five IO drives the panel. */
    io: z.enum(["firmata", "raspi", "virtual"]).default("virtual"),
    /** Serial port of the Firmata board (an Arduino running StandardFirmata), e.g. /dev/ttyACM0. */
    port: z.string().min(1).optional(),
    /** Firmata baud rate (StandardFirmata: 57600). */
    baudRate: z.number().int().positive().default(57600),
    pins: pinsSchema.default(pinsSchema.parse({})),
    lcd: z
      .object({
        /** johnny-five LCD controller of the I2C backpack. */
        controller: z.enum(["PCF8574", "PCF8574T", "PCF8574A", "PCF8574AT", "LCM1602"]).default("PCF8574"),
        /** I2C address; default 0x27 (0x3F for the A variants). */
        address: z.number().int().min(0x03).max(0x77).optional(),
      })
      .default({ controller: "PCF8574" }),
    buzzer: z
      .object({
        /** "active": a buzzer that sounds while its pin is HIGH; "piezo": a passive piezo fed a tone. */
        kind: z.enum(["active", "piezo"]).default("active"),
        /** Tone of a piezo, Hz. */
        hz: z.number().int().min(100).max(8000).default(2700),
      })
      .default({ kind: "active", hz: 2700 }),
    /** Buttons wired to ground with the board's pull-up (pressed reads LOW). */
    pullup: z.boolean().default(true),
    /** Cut passes after which the LCD says "CHANGE TIPS" (a tip pair: 3 corners × 7 cuts). */
    tipChangeAt: z.number().int().min(1).default(21),
    /** Estimated Ra above this (µm) lights red. */
    raMaxUm: z.number().positive().default(3.2),
    /** Runout after the cut above this (µm) lights red. */
    lroPostMaxUm: z.number().positive().default(50),
    /** How long a confirmation (label saved, tips reset) stays on the LCD, ms. */
    flashMs: z.number().int().min(100).default(2000),
    /** The job log (labels, tip counter); same default as the job-log plugin. Relative to the working folder. */
    db: z.string().min(1).optional(),
    /** How often the tip counter is read back from the log, ms. */
    tipPollMs: z.number().int().min(50).default(1000),
    /** Reconnect delays after the board is lost, ms (doubling). */
    reconnect: z.object({ initialMs: z.number().int().positive().default(500), maxMs: z.number().int().positive().default(10_000) }).default({ initialMs: 500, maxMs: 10_000 }),
    /** How long to wait for the board to report ready, ms. */
    readyTimeoutMs: z.number().int().positive().default(10_000),
    /** Where the virtual panel (LED, LCD lines, beeps) is printed when it changes; stderr keeps stdout's job lines parseable. */
    console: z.enum(["stderr", "stdout", "off"]).default("stderr"),
  })
  .superRefine((c, ctx) => {
    if (c.io === "firmata" && !c.port) ctx.addIssue({ code: "custom", path: ["port"], message: "io 'firmata' needs the serial port of the board, e.g. /dev/ttyACM0" });
    const seen = new Map<string, string>();
    for (const [role, pin] of Object.entries(c.pins)) {
      const key = String(pin);
      const other = seen.get(key);
      if (other) ctx.addIssue({ code: "custom", path: ["pins", role], message: `pin ${key} is already used by ${other}` });
      else seen.set(key, role);
      if (I2C_PINS[c.io].includes(key)) ctx.addIssue({ code: "custom", path: ["pins", role], message: `pin ${key} is the I2C bus of the LCD` });
      const arduino = typeof pin === "number" || /^(A\d|\d+)$/.test(pin);
      if (c.io !== "raspi" && !arduino) ctx.addIssue({ code: "custom", path: ["pins", role], message: `pin ${key} is a Raspberry Pi name; io '${c.io}' takes numbers or A0–A5` });
      if (c.io === "firmata" && (key === "0" || key === "1")) ctx.addIssue({ code: "custom", path: ["pins", role], message: `pin ${key} is the Firmata board's serial link` });
      if (c.io !== "raspi" && typeof pin === "number" && pin > 19) ctx.addIssue({ code: "custom", path: ["pins", role], message: `pin ${key}: an Uno has pins 0–19` });
    }
    if (c.reconnect.maxMs < c.reconnect.initialMs) ctx.addIssue({ code: "custom", path: ["reconnect", "maxMs"], message: "must be ≥ initialMs" });
  });

export type PanelConfig = z.output<typeof configSchema>;
export type PinRole = keyof PanelConfig["pins"];
