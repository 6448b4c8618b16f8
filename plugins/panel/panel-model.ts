// The panel's logic, without hardware: job events, revolutions and ended jobs in, the view (state,
// LED, two LCD lines) and beep patterns out. The hardware layer only draws views.
import type { JobRecord } from "../../src/store/job-record.ts";
import { ALARM_NAMES, STATES, fillTemplate, type Led, type StateName, type TemplateValues } from "./states.ts";

export interface PanelView {
  state: StateName;
  /** "change-tips" when the tip prompt replaces the second line, else null. */
  overlay: StateName | null;
  led: Exclude<Led, "none">;
  lines: [string, string];
}

export interface SpecLimits {
  /** Estimated Ra above this is out of spec, µm. */
  raMaxUm: number;
  /** Runout after the cut (estimate, else measured) above this is out of spec, µm. */
  lroPostMaxUm: number;
}

export interface ModelOptions extends SpecLimits {
  /** Cut passes after which the LCD asks for a tip change. */
  tipChangeAt: number;
  cols?: number;
}

const RUNNING: readonly StateName[] = ["measure", "cut", "check"];

export class PanelModel {
  private base: StateName = "ready";
  private flash: StateName | null = null;
  private values: TemplateValues = {};
  private flashValues: TemplateValues = {};
  private wear = 0;
  /** Id and ordinal of the last ended job: what the judder buttons label. */
  lastJob: { id: string; ordinal: number } | null = null;

  constructor(private readonly o: ModelOptions) {}

  get tipWear(): number {
    return this.wear;
  }

  setTipWear(cuts: number): void {
    this.wear = cuts;
  }

  jobStarted(ordinal: number): void {
    this.base = "measure";
    this.values = { job: ordinal, lro: null };
  }

  phase(phase: string, pass: number): void {
    if (phase !== "measure" && phase !== "cut" && phase !== "check") return;
    this.base = phase;
    this.values = { ...this.values, pass, lro: null };
  }

  /** A revolution's runout (µm) during a running job. */
  revolution(lroUm: number): void {
    if (RUNNING.includes(this.base) && Number.isFinite(lroUm)) this.values.lro = lroUm;
  }

  /** The job's end: the result state, and the beep pattern it asks for. */
  jobEnded(r: JobRecord): string {
    this.lastJob = { id: r.id, ordinal: r.ordinal };
    const post = r.cutQuality.lroPostUm ?? r.measured.lroPostUm;
    const ra = r.cutQuality.raUm;
    const alarm = r.alarms.map((a) => (a as { code?: unknown }).code).find((c): c is string => typeof c === "string" && c in ALARM_NAMES);
    const outOfSpec = (ra !== null && ra > this.o.raMaxUm) || (post !== null && post > this.o.lroPostMaxUm);
    this.values = { job: r.ordinal, p: r.judder.p, ra, lro: post };
    if (alarm) {
      this.base = "alarm";
      this.values.alarm = ALARM_NAMES[alarm];
    } else if (r.status === "interrupted") {
      this.base = "interrupted";
      this.values.lro = r.measured.lroPreUm;
    } else if (r.judder.flag) {
      this.base = "judder";
      this.values.lro = r.measured.lroPreUm;
    } else if (outOfSpec) {
      this.base = "out-of-spec";
    } else {
      this.base = "good";
    }
    this.flash = null;
    return STATES[this.base].beep;
  }

  /** A short confirmation (label saved, tips reset) shown until `endFlash`; returns its beep. */
  showFlash(state: StateName, values: TemplateValues = {}): string {
    this.flash = state;
    this.flashValues = { ...values, limit: this.o.tipChangeAt };
    return STATES[state].beep;
  }

  endFlash(): void {
    this.flash = null;
  }

  view(): PanelView {
    const cols = this.o.cols ?? 16;
    const base = STATES[this.base];
    const led = base.led as Exclude<Led, "none">;
    if (this.flash) {
      const f = STATES[this.flash];
      return { state: this.flash, overlay: null, led, lines: [fillTemplate(f.line1, this.flashValues, cols), fillTemplate(f.line2, this.flashValues, cols)] };
    }
    const v = { ...this.values, wear: this.wear, limit: this.o.tipChangeAt };
    const lines: [string, string] = [fillTemplate(base.line1, v, cols), fillTemplate(base.line2, v, cols)];
    const due = this.wear >= this.o.tipChangeAt && !RUNNING.includes(this.base) && this.base !== "alarm";
    if (due) lines[1] = fillTemplate(STATES["change-tips"].line2, v, cols);
    return { state: this.base, overlay: due ? "change-tips" : null, led, lines };
  }
}
