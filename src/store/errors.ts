// The job log's error catalogue. Codes are stable (tests and the CLI match on `err.code`); messages
// name the file and say what to do.

export const StoreErrorCodes = {
  /** The database file is not a SQLite database or its pages are damaged. */
  CORRUPT: "EP_ERR_STORE_CORRUPT",
  /** The file's schema version is newer than this build knows (written by a newer edgeprop). */
  SCHEMA_NEWER: "EP_ERR_STORE_SCHEMA_NEWER",
  /** A running controller (live pid in the lock file) holds the log. */
  LOCKED: "EP_ERR_STORE_LOCKED",
  /** The disk (or SQLite's file) is full: SQLITE_FULL or ENOSPC. */
  FULL: "EP_ERR_STORE_FULL",
  /** A job, model or other row the caller named does not exist. */
  NOT_FOUND: "EP_ERR_STORE_NOT_FOUND",
  /** A value the caller passed is out of its domain (a label with no value, a bad wheel). */
  BAD_INPUT: "EP_ERR_STORE_BAD_INPUT",
  /** A file to restore failed its checks (integrity_check, schema version). */
  RESTORE_CHECK: "EP_ERR_STORE_RESTORE_CHECK",
  /** Any other I/O failure (cannot create the folder, cannot read the file). */
  IO: "EP_ERR_STORE_IO",
} as const;

export type StoreErrorCode = (typeof StoreErrorCodes)[keyof typeof StoreErrorCodes];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The database or file concerned, when there is one. */
  readonly file: string | undefined;

  constructor(code: StoreErrorCode, message: string, file?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "StoreError";
    this.code = code;
    this.file = file;
  }
}

export function isStoreError(err: unknown): err is StoreError {
  return err instanceof StoreError;
}

/** SQLite result codes (from better-sqlite3's SqliteError.code) that mean a damaged file. */
const CORRUPT_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_VTAB", "SQLITE_CORRUPT_SEQUENCE"]);

export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isCorruptionError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && CORRUPT_CODES.has(code);
}

export function isDiskFullError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === "SQLITE_FULL" || code === "ENOSPC";
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
