// Opening a job log file: pragmas, the corruption check, migrations, and the way out of a damaged
// file (`freshLog`: move it aside with a timestamp and start a new log).
//
// Durability: WAL with synchronous=FULL, so each commit fsyncs the WAL before it returns. A job is
// one transaction at its start and one at its end (a few per hour in a garage), so the fsync costs
// nothing that matters, and a job acknowledged as ended survives a power cut, which NORMAL would
// not promise (NORMAL never corrupts in WAL mode, but can lose the last commits before a checkpoint).
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreError, StoreErrorCodes, errorText, isCorruptionError } from "./errors.ts";
import { SCHEMA_VERSION, migrate } from "./schema.ts";

export interface OpenDatabaseOptions {
  /** Run `PRAGMA quick_check` on open (reads every page: seconds on a large log on a Pi). Default false. */
  verify?: boolean;
  /** On a damaged file, move it aside (`<file>.corrupt-<timestamp>`) and start a new log. Default false. */
  freshLog?: boolean;
  /** Wait this long for another connection's write lock, ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (no migrations; the schema must be current). */
  readonly?: boolean;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Schema version found in the file before migrations ran (0: a new file). */
  foundVersion: number;
  /** Where a damaged file was moved, when `freshLog` did so. */
  movedAside: string | null;
}

function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, "-");
}

/** Moves a database and its -wal/-shm companions aside; returns the new name of the main file. */
export function moveAside(file: string, tag: string): string {
  const target = `${file}.${tag}-${timestamp()}`;
  renameSync(file, target);
  for (const ext of ["-wal", "-shm"]) if (existsSync(file + ext)) renameSync(file + ext, target + ext);
  return target;
}

function corruptError(file: string, err: unknown): StoreError {
  return new StoreError(
    StoreErrorCodes.CORRUPT,
    `job log ${file} is damaged (${errorText(err)}); start a new log with --fresh-log ` +
      `(the damaged file is kept beside it as ${file}.corrupt-<time>), or restore a backup with 'edgeprop restore FILE'`,
    file,
    err,
  );
}

function openOnce(file: string, opts: OpenDatabaseOptions): { db: Database.Database; foundVersion: number } {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    // The first statement reads the header: a file that is not SQLite fails here (SQLITE_NOTADB).
    const foundVersion = db.pragma("user_version", { simple: true }) as number;
    if (foundVersion > SCHEMA_VERSION) {
      throw new StoreError(
        StoreErrorCodes.SCHEMA_NEWER,
        `job log ${file} has schema version ${foundVersion}, newer than this edgeprop knows (${SCHEMA_VERSION}); update edgeprop`,
        file,
      );
    }
    if (!opts.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    db.pragma("foreign_keys = ON");
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    if (opts.verify) {
      const rows = db.pragma("quick_check") as Array<{ quick_check: string }>;
      if (rows.length !== 1 || rows[0].quick_check !== "ok") {
        throw Object.assign(new Error(`quick_check: ${rows.slice(0, 3).map((r) => r.quick_check).join("; ")}`), { code: "SQLITE_CORRUPT" });
      }
    }
    if (!opts.readonly) migrate(db, foundVersion);
    else if (foundVersion !== SCHEMA_VERSION) {
      throw new StoreError(StoreErrorCodes.SCHEMA_NEWER, `job log ${file} has schema version ${foundVersion}; open it writable once to migrate it to ${SCHEMA_VERSION}`, file);
    }
    return { db, foundVersion };
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    if (isCorruptionError(err)) throw corruptError(file, err);
    throw new StoreError(StoreErrorCodes.IO, `cannot open job log ${file}: ${errorText(err)}`, file, err);
  }
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): OpenedDatabase {
  if (!opts.readonly) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new StoreError(StoreErrorCodes.IO, `cannot create the folder of job log ${file}: ${errorText(err)}`, file, err);
    }
  }
  try {
    return { ...openOnce(file, opts), movedAside: null };
  } catch (err) {
    if (!(err instanceof StoreError) || err.code !== StoreErrorCodes.CORRUPT || !opts.freshLog) throw err;
    const movedAside = moveAside(file, "corrupt");
    return { ...openOnce(file, opts), movedAside };
  }
}
