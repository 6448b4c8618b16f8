// What the job-log commands (jobs, label, backup, restore, models) share: the `--db FILE` and
// `--fresh-log` options, opening the log as a command (no lock: a running controller keeps
// writing), and printing a store error as one clear line.
import { JobLog, defaultDbPath, isStoreError } from "../store/index.ts";

export interface Output {
  write(text: string): unknown;
}

export const dbOptions = {
  db: { type: "string" },
  "fresh-log": { type: "boolean", default: false },
} as const;

export function dbPath(values: { db?: string }): string {
  return values.db ?? defaultDbPath();
}

export function openLog(values: { db?: string; "fresh-log"?: boolean }, err: Output): JobLog {
  const log = JobLog.open(dbPath(values), { freshLog: values["fresh-log"] === true });
  if (log.movedAside) err.write(`edgeprop: the job log was damaged; kept it as ${log.movedAside} and started a new log at ${log.file}\n`);
  return log;
}

/** Prints a store error (or a bad option) as `edgeprop <cmd>: CODE message` and returns the exit code. */
export function failure(cmd: string, e: unknown, err: Output): number {
  if (isStoreError(e)) {
    err.write(`edgeprop ${cmd}: ${e.code} ${e.message}\n`);
    return 1;
  }
  const code = (e as { code?: string } | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    err.write(`edgeprop ${cmd}: ${(e as Error).message}\n`);
    return 2;
  }
  throw e;
}
