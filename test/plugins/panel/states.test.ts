// The panel's states against plugins/panel/README.md: the code's table is the documented one, and
// for every state the LCD (johnny-five's PCF8574 driver, bytes decoded as an HD44780 would) shows
// the documented lines with the documented LED lit.
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../plugins/panel/config.ts";
import { PanelBoard } from "../../../plugins/panel/panel-board.ts";
import { PanelModel } from "../../../plugins/panel/panel-model.ts";
import { STATES, fillTemplate, type StateName, type TemplateValues } from "../../../plugins/panel/states.ts";
import { record } from "../../store/support/records.ts";
import { MockPanelBoard } from "./support/mock-board.ts";
import { documentedStates } from "./support/readme-table.ts";

const LIMITS = { tipChangeAt: 21, raMaxUm: 3.2, lroPostMaxUm: 50 };
const config = configSchema.parse({});

/** Brings a fresh model into each state; `values` are what its lines must show. */
const scenarios: Record<StateName, (m: PanelModel) => TemplateValues> = {
  ready: (m) => (m.setTipWear(5), { wear: 5, limit: 21 }),
  measure: (m) => (m.jobStarted(7), m.revolution(42.34), { job: 7, lro: 42.34 }),
  cut: (m) => (m.jobStarted(7), m.phase("cut", 2), m.revolution(30.06), { job: 7, pass: 2, lro: 30.06 }),
  check: (m) => (m.jobStarted(7), m.phase("check", 2), m.revolution(8.44), { job: 7, lro: 8.44 }),
  good: (m) => (m.jobEnded(record(7, { judder: { p: 0.12, flag: false, source: "model", modelVersion: "j-1" }, cutQuality: { lroPostUm: 9.2, raUm: 1.61, source: "model", modelVersion: "c-1" } })), { p: 0.12, ra: 1.61, lro: 9.2 }),
  judder: (m) => (m.jobEnded(record(7, { judder: { p: 0.87, flag: true, source: "model", modelVersion: "j-1" }, measured: { rpm: 120, lroPreUm: 71.5, lroPostUm: 9 } })), { p: 0.87, lro: 71.5 }),
  "out-of-spec": (m) => (m.jobEnded(record(7, { cutQuality: { lroPostUm: 12, raUm: 4.1, source: "model", modelVersion: "c-1" } })), { ra: 4.1, lro: 12 }),
  interrupted: (m) => (m.jobEnded(record(7, { status: "interrupted", reason: "VIB board went away", measured: { rpm: 120, lroPreUm: 33, lroPostUm: null } })), { job: 7, lro: 33 }),
  alarm: (m) => (m.jobEnded(record(7, { judder: { p: 0.3, flag: false, source: "rule", modelVersion: null }, cutQuality: { lroPostUm: 9, raUm: 1.2, source: "model", modelVersion: "c-1" }, alarms: [{ code: "loose-mount", atUs: 1, message: "loose adapter" }] })), { p: 0.3, ra: 1.2, alarm: "loose adap" }),
  "change-tips": (m) => (m.jobEnded(record(7)), m.setTipWear(21), { wear: 21 }),
  "label-judder": (m) => (m.showFlash("label-judder", { job: 7 }), { job: 7 }),
  "label-ok": (m) => (m.showFlash("label-ok", { job: 7 }), { job: 7 }),
  "label-none": (m) => (m.showFlash("label-none"), {}),
  "tips-reset": (m) => (m.showFlash("tips-reset"), { limit: 21 }),
};

describe("panel states (README table)", () => {
  const docs = documentedStates();

  it("the code's table is the README's, row for row", () => {
    expect(docs.map((d) => d.state)).toEqual(Object.keys(STATES));
    for (const d of docs) {
      const s = STATES[d.state as StateName];
      expect({ state: d.state, led: s.led, line1: s.line1, line2: s.line2, beep: s.beep }).toEqual(d);
    }
  });

  it("the LCD shows the documented text and the documented LED is lit, for each state", async () => {
    const io = new MockPanelBoard();
    const board = new PanelBoard(io, config);
    await once(board, "ready");
    const ledPin = { green: 5, amber: 6, red: 7 } as const;
    let lastLed = "green";
    for (const d of docs) {
      const model = new PanelModel(LIMITS);
      const values = scenarios[d.state as StateName](model);
      const view = model.view();
      board.show(view);
      const line1 = d.state === "change-tips" ? fillTemplate(STATES.good.line1, { p: 0.25, ra: 1.6 }) : fillTemplate(d.line1, values);
      expect(io.lcd.lines(), d.state).toEqual([line1, fillTemplate(d.line2, values)]);
      if (d.led !== "none") lastLed = d.led;
      if (d.led === "none") expect(view.state === d.state || view.overlay === d.state, d.state).toBe(true);
      else expect(view.state).toBe(d.state);
      for (const [name, pin] of Object.entries(ledPin)) expect(io.level(pin) > 0, `${d.state}: ${name}`).toBe(name === (d.led === "none" ? view.led : lastLed));
    }
    board.close();
  });

  it("fills numbers as documented: 1 decimal runout, 2 decimals p and Ra, -- unknown, 16 columns", () => {
    expect(fillTemplate("JUDDER p {p}", { p: 0.873 })).toBe("JUDDER p 0.87   ");
    expect(fillTemplate("Ra {ra} LRO {lro}", { ra: 4.1, lro: null })).toBe("Ra 4.10 LRO --  ");
    expect(fillTemplate("CUT {job} pass {pass} and more", { job: 12, pass: 3 })).toBe("CUT 12 pass 3 an");
    expect(() => fillTemplate("{bogus}", {})).toThrow(/bogus/);
  });
});
