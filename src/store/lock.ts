// The controller's claim on a log: `<db>.lock` holding its pid, created exclusively. A lock whose
// pid is no longer alive (the process was killed) is stale and taken over. Commands that only read
// or add labels never take it; `restore` refuses while a live pid holds it.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError, StoreErrorCodes, errorText } from "./errors.ts";

export function lockPath(dbFile: string): string {
  return `${dbFile}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid of a live process holding the log's lock, or null. */
export function lockHolder(dbFile: string): number | null {
  let text: string;
  try {
    text = readFileSync(lockPath(dbFile), "utf8");
  } catch {
    return null;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

/** Takes the lock for this process; throws EP_ERR_STORE_LOCKED when a live process holds it. */
export function acquireLock(dbFile: string): () => void {
  const path = lockPath(dbFile);
  mkdirSync(dirname(path), { recursive: true }); // the log's folder is created on first use
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new StoreError(StoreErrorCodes.IO, `cannot create lock file ${path}: ${errorText(err)}`, dbFile, err);
      }
      const holder = lockHolder(dbFile);
      if (holder !== null && holder !== process.pid) {
        throw new StoreError(StoreErrorCodes.LOCKED, `job log ${dbFile} is held by a running controller (pid ${holder}, lock file ${path})`, dbFile);
      }
      try {
        unlinkSync(path); // stale: its process has ended
      } catch {
        /* another process took it over first; try again */
      }
    }
  }
  throw new StoreError(StoreErrorCodes.LOCKED, `could not take the lock file ${path}`, dbFile);
}
