// Runout shapes of a job (before / after the cut), saved by the dashboard when it saw the job live:
// `<dataDir>/profiles/<encoded job id>.json`. The job log keeps per-revolution figures, not shapes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Profile } from "./live-state.ts";

export interface JobProfiles {
  before: Profile | null;
  after: Profile | null;
}

export function profileFile(dir: string, jobId: string): string {
  return join(dir, `${encodeURIComponent(jobId)}.json`);
}

/** The job's saved shapes, or null when the dashboard did not see it (or the file is unreadable). */
export function readProfiles(dir: string, jobId: string): JobProfiles | null {
  try {
    const p = JSON.parse(readFileSync(profileFile(dir, jobId), "utf8")) as JobProfiles;
    return { before: p.before ?? null, after: p.after ?? null };
  } catch {
    return null;
  }
}
