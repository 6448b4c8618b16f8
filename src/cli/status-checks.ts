// The health verdict of `edgeprop status`: from what was gathered (the controller's status file,
// the job log, the disk), the list of problems; an empty list is healthy. Pure: times are given.
import type { ControllerStatus } from "../../plugins/health/status-file.ts";

export interface Limits {
  /** A board without a frame for longer than this is missing, s. */
  boardTimeoutS: number;
  /** Less free space than this in a data folder is a problem, MB. */
  minFreeMb: number;
}

export interface DiskInfo {
  folder: string;
  freeMb: number;
  totalMb: number;
}

export interface JobLogInfo {
  file: string;
  /** null when the log could not be read (`error` says why). */
  jobs: number | null;
  lastJob: { id: string; ordinal: number | null; status: string; reason: string | null; at: string } | null;
  activeModels: Record<string, string>;
  error: string | null;
}

export interface Gathered {
  now: number;
  status: ControllerStatus | null;
  /** Why there is no status (no file, bad file, no health plugin in the config). */
  statusError: string | null;
  /** Whether process `status.pid` exists on this machine (null: not checked). */
  pidAlive: boolean | null;
  disks: (DiskInfo | { folder: string; error: string })[];
  jobLog: JobLogInfo | null;
}

const seconds = (ms: number): string => `${ms < 10_000 ? Number((ms / 1000).toFixed(1)) : Math.round(ms / 1000)} s`;

/** How old the status may get before the controller counts as hung or gone, ms. */
export function staleAfterMs(status: ControllerStatus): number {
  return Math.max(3 * status.writeEveryMs, 15_000);
}

export function problems(g: Gathered, limits: Limits): string[] {
  const out: string[] = [];
  const s = g.status;
  if (!s) out.push(`no running controller: ${g.statusError ?? "no status"}`);
  else if (s.stoppedAt !== null) out.push(`the controller stopped at ${s.stoppedAt}`);
  else if (g.pidAlive === false) out.push(`the controller (pid ${s.pid}) is not running; it last wrote its status at ${s.writtenAt}`);
  else {
    const age = g.now - Date.parse(s.writtenAt);
    if (age > staleAfterMs(s)) out.push(`the controller's status is ${seconds(age)} old (written every ${seconds(s.writeEveryMs)}): hung or killed`);
    for (const role of ["vib", "run"] as const) {
      const b = s.boards[role];
      const since = b.lastFrameAt ?? s.startedAt;
      const quiet = g.now - Date.parse(since);
      if (quiet > limits.boardTimeoutS * 1000) {
        out.push(`${role.toUpperCase()} board: ${b.lastFrameAt ? `no frame for ${seconds(quiet)}` : `no frame since the controller started ${seconds(quiet)} ago`} (limit ${limits.boardTimeoutS} s)`);
      }
    }
  }
  for (const d of g.disks) {
    if ("error" in d) out.push(`disk: cannot check ${d.folder}: ${d.error}`);
    else if (d.freeMb < limits.minFreeMb) out.push(`disk: ${d.folder} has ${d.freeMb.toFixed(0)} MB free (limit ${limits.minFreeMb} MB)`);
  }
  if (g.jobLog?.error) out.push(`job log unreadable: ${g.jobLog.error}`);
  return out;
}
