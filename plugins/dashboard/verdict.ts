// A job's verdict against the shop's limits, for the pages and the printed report. Only what was
// measured or labelled is judged; what is unknown is listed as such, never assumed good.
import type { StoredJob } from "../../src/store/index.ts";
import type { Limits } from "./config.ts";

export interface Check {
  name: string;
  value: number | null;
  limit: number;
  unit: "µm" | "";
  /** null: not measured. */
  pass: boolean | null;
}

export interface Verdict {
  /** pass: complete and every known check within its limit; fail: a check over; incomplete: interrupted/running or no runout after the cut. */
  result: "pass" | "fail" | "incomplete";
  checks: Check[];
  reasons: string[];
}

function check(name: string, value: number | null, limit: number, unit: "µm" | ""): Check {
  return { name, value, limit, unit, pass: value === null ? null : value <= limit };
}

export function verdict(job: Pick<StoredJob, "status" | "reason" | "measured" | "labels" | "cutQuality" | "judder">, limits: Limits): Verdict {
  const ra = job.labels?.raUm ?? job.cutQuality.raUm;
  const checks = [
    check("runout after the cut", job.measured.lroPostUm, limits.lroUm, "µm"),
    check("thickness variation (DTV)", job.labels?.dtvUm ?? null, limits.dtvUm, "µm"),
    check("finish Ra", ra, limits.raUm, "µm"),
  ];
  const reasons: string[] = [];
  for (const c of checks) if (c.pass === false) reasons.push(`${c.name} ${c.value!.toFixed(1)} ${c.unit} over the limit ${c.limit} ${c.unit}`);
  if (job.status !== "complete") reasons.push(job.status === "running" ? "job still running" : `interrupted${job.reason ? `: ${job.reason}` : ""}`);
  else if (job.measured.lroPostUm === null) reasons.push("no runout measured after the cut");
  const result = reasons.some((r) => r.includes("over the limit")) ? "fail" : reasons.length > 0 ? "incomplete" : "pass";
  return { result, checks, reasons };
}
