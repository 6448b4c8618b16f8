// The panel's states: which LED is lit, what the LCD says and which beep pattern sounds. This table
// is the one in plugins/panel/README.md (the tests parse the README and compare); change both.
//
// Placeholders, filled by `fillTemplate`:
//   {job}   job ordinal                          {pass}  cut pass
//   {lro}   runout µm, 1 decimal ("--" unknown)  {p}     p(judder), 2 decimals ("--")
//   {ra}    estimated Ra µm, 2 decimals ("--")   {wear}  cuts since the tips were changed
//   {limit} the tip-change count                 {alarm} the alarm's short name
// A line longer than 16 characters is cut at 16; shorter lines are padded with spaces.

export type Led = "green" | "amber" | "red" | "none";

export const STATES = {
  ready: { led: "green", line1: "READY", line2: "tips {wear}/{limit}", beep: "" },
  measure: { led: "amber", line1: "MEASURE job {job}", line2: "LRO {lro}um", beep: "" },
  cut: { led: "amber", line1: "CUT {job} pass {pass}", line2: "LRO {lro}um", beep: "" },
  check: { led: "amber", line1: "CHECK job {job}", line2: "LRO {lro}um", beep: "" },
  good: { led: "green", line1: "OK p {p} Ra {ra}", line2: "LRO {lro}um", beep: "150" },
  judder: { led: "red", line1: "JUDDER p {p}", line2: "LRO {lro}um", beep: "150-100-150-100-150" },
  "out-of-spec": { led: "red", line1: "OUT OF SPEC", line2: "Ra {ra} LRO {lro}", beep: "150-100-150-100-150" },
  interrupted: { led: "amber", line1: "JOB {job} STOPPED", line2: "LRO {lro}um", beep: "400" },
  alarm: { led: "red", line1: "ALARM {alarm}", line2: "p {p} Ra {ra}", beep: "500-200-500-200-500-200-500" },
  "change-tips": { led: "none", line1: "", line2: "CHANGE TIPS {wear}", beep: "" },
  "label-judder": { led: "none", line1: "SAVED: JUDDER", line2: "job {job}", beep: "60" },
  "label-ok": { led: "none", line1: "SAVED: NO JUDDER", line2: "job {job}", beep: "60" },
  "label-none": { led: "none", line1: "NO JOB TO LABEL", line2: "", beep: "60-60-60" },
  "tips-reset": { led: "none", line1: "TIPS CHANGED", line2: "tips 0/{limit}", beep: "60" },
} as const satisfies Record<string, { led: Led; line1: string; line2: string; beep: string }>;

export type StateName = keyof typeof STATES;

/** Alarm codes of the job record shown by the panel, and their short names on the LCD. */
export const ALARM_NAMES: Readonly<Record<string, string>> = { chatter: "chatter", "loose-mount": "loose adap" };

export interface TemplateValues {
  job?: number | null;
  pass?: number | null;
  lro?: number | null;
  p?: number | null;
  ra?: number | null;
  wear?: number | null;
  limit?: number | null;
  alarm?: string | null;
}

const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? "--" : v.toFixed(digits));
const int = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? "--" : String(Math.round(v)));

export function fillTemplate(template: string, v: TemplateValues, cols = 16): string {
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case "lro": return fixed(v.lro, 1);
      case "p": return fixed(v.p, 2);
      case "ra": return fixed(v.ra, 2);
      case "alarm": return v.alarm ?? "--";
      case "job": return int(v.job);
      case "pass": return int(v.pass);
      case "wear": return int(v.wear);
      case "limit": return int(v.limit);
      default: throw new Error(`panel text: unknown placeholder {${key}} in "${template}"`);
    }
  });
  return text.slice(0, cols).padEnd(cols, " ");
}

/** A beep pattern "on-off-on-…" in ms (odd count: starts and ends with a tone); "" is silence. */
export function parsePattern(pattern: string): number[] {
  if (pattern === "") return [];
  const parts = pattern.split("-").map(Number);
  if (parts.some((n) => !Number.isInteger(n) || n <= 0) || parts.length % 2 === 0) {
    throw new Error(`panel beep pattern "${pattern}": expected on-off-on… milliseconds, odd count`);
  }
  return parts;
}
