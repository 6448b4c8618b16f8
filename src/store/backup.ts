// A consistent copy of the log (jobs, models registry, counters) while the controller runs, through
// SQLite's online backup API, and a checked restore. A write by another connection during a backup
// makes SQLite restart the copy from a fresh snapshot, so what lands in the file is always one
// committed state. Restore checks the file first, refuses while a controller holds the log, and
// keeps the file it replaces beside it.
import { copyFileSync, existsSync, fsyncSync, closeSync, openSync, renameSync, unlinkSync } from "node:fs";
import Database from "better-sqlite3";
import { moveAside } from "./database.ts";
import { StoreError, StoreErrorCodes, errorText } from "./errors.ts";
import { acquireLock, lockHolder } from "./lock.ts";
import { SCHEMA_VERSION } from "./schema.ts";

export interface BackupOptions {
  /** Pages copied per step; between steps others may write. Default 1000. */
  pagesPerStep?: number;
  /** Called after each step. */
  progress?: (copied: number, total: number) => void;
}

/** Copies the open database `db` into `dest` (overwritten). Resolves with the page count. */
export async function backupDatabase(db: Database.Database, dest: string, opts: BackupOptions = {}): Promise<number> {
  const step = opts.pagesPerStep ?? 1000;
  if (existsSync(dest)) unlinkSync(dest);
  try {
    const meta = await db.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        opts.progress?.(totalPages - remainingPages, totalPages);
        return step;
      },
    });
    return meta.totalPages;
  } catch (err) {
    throw new StoreError(StoreErrorCodes.IO, `backup to ${dest} failed: ${errorText(err)}`, dest, err);
  }
}

export interface CheckedFile {
  schemaVersion: number;
  jobs: number;
  models: number;
}

/** Checks a log file (a backup) without changing it: integrity_check, schema version, tables. */
export function checkLogFile(file: string): CheckedFile {
  const fail = (why: string, cause?: unknown): StoreError =>
    new StoreError(StoreErrorCodes.RESTORE_CHECK, `${file} is not a usable job log: ${why}`, file, cause);
  if (!existsSync(file)) throw fail("no such file");
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = db.pragma("user_version", { simple: true }) as number;
    const problems = (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== "ok") throw fail(`integrity_check: ${problems.slice(0, 3).join("; ")}`);
    if (version < 1) throw fail("it has no job-log schema (user_version 0)");
    if (version > SCHEMA_VERSION) throw fail(`schema version ${version} is newer than this edgeprop knows (${SCHEMA_VERSION})`);
    const jobs = db.prepare(`SELECT count(*) FROM jobs`).pluck().get() as number;
    const models = version >= 2 ? (db.prepare(`SELECT count(*) FROM models`).pluck().get() as number) : 0;
    return { schemaVersion: version, jobs, models };
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw fail(errorText(err), err);
  } finally {
    db?.close();
  }
}

export interface RestoreResult extends CheckedFile {
  /** Where the log that was replaced now is (null when there was none). */
  keptAs: string | null;
}

/**
 * Replaces the log `dbFile` with the backup `from`, after checking it. Refuses (EP_ERR_STORE_LOCKED)
 * while a live controller holds the log, and holds the lock itself meanwhile so none starts.
 */
export function restoreDatabase(from: string, dbFile: string): RestoreResult {
  const checked = checkLogFile(from);
  const holder = lockHolder(dbFile);
  if (holder !== null) {
    throw new StoreError(StoreErrorCodes.LOCKED, `refusing to restore: the controller (pid ${holder}) is using ${dbFile}; stop it first`, dbFile);
  }
  const release = acquireLock(dbFile);
  try {
    let keptAs: string | null = null;
    if (existsSync(dbFile)) {
      try {
        const old = new Database(dbFile);
        old.pragma("wal_checkpoint(TRUNCATE)"); // fold the WAL in, so the kept file is whole by itself
        old.close();
      } catch {
        /* a damaged log: kept as it is, with its -wal */
      }
      keptAs = moveAside(dbFile, "before-restore");
    }
    const tmp = `${dbFile}.restoring`;
    try {
      copyFileSync(from, tmp);
      const fd = openSync(tmp, "r+");
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, dbFile);
    } catch (err) {
      if (keptAs !== null && !existsSync(dbFile)) renameSync(keptAs, dbFile); // put the old log back
      throw new StoreError(StoreErrorCodes.IO, `restore of ${from} into ${dbFile} failed: ${errorText(err)}; the log is unchanged`, dbFile, err);
    }
    return { ...checked, keptAs };
  } finally {
    release();
  }
}
