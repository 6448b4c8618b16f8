// The status file: a running controller's live state as one small JSON document, rewritten every
// few seconds by the health plugin (default <host.dataDir>/health/status.json) and read by
// `edgeprop status`. Written atomically: a temporary file in the same folder, then rename, so a
// reader sees the previous or the next version, never half of one. Times are ISO 8601 (UTC).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const STATUS_FORMAT = "edgeprop-status/1";
export const STATUS_FILE_NAME = "status.json";

export interface BoardStatus {
  /** Samples arrived and no LOST since. */
  connected: boolean;
  /** When the board's last samples arrived; null: none since the controller started. */
  lastFrameAt: string | null;
  /** Epoch ms of the LOST (silent / unplugged) that is still in force; null when none. */
  lostAt: number | null;
  serialNo: number | null;
  rateHz: number | null;
  /** Decoder counters since the controller started (as of the latest COUNTERS row). */
  framesOk: number;
  dropped: number;
  lostFrames: number;
  gaps: number;
  resets: number;
}

export interface ControllerStatus {
  format: typeof STATUS_FORMAT;
  pid: number;
  startedAt: string;
  writtenAt: string;
  /** How often the file is rewritten, ms (a reader judges staleness from it). */
  writeEveryMs: number;
  /** Set by the last write of a clean stop; null while running. */
  stoppedAt: string | null;
  boards: { vib: BoardStatus; run: BoardStatus };
  job: { id: string; ordinal: number; since: string } | null;
  lastJob: { id: string; ordinal: number; status: string; reason: string | null; startedAt: string | null; endedAt: string } | null;
  jobsSinceStart: number;
  /** Where the last job's estimates came from. */
  models: { judder: { source: string; version: string | null }; cutQuality: { source: string; version: string | null } } | null;
}

/** The default location for a plugin data folder (`ctx.dataDir` = <host.dataDir>/health). */
export function statusFilePath(pluginDataDir: string): string {
  return join(pluginDataDir, STATUS_FILE_NAME);
}

export function writeStatusFile(file: string, status: ControllerStatus): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(status, null, 1) + "\n");
  renameSync(tmp, file);
}

/** Reads and checks a status file; throws an Error naming the file and what is wrong. */
export function readStatusFile(file: string): ControllerStatus {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no status file ${file} (the controller has not run with this config, or its health plugin is off)` : `cannot read the status file ${file}: ${(err as Error).message}`);
  }
  let s: ControllerStatus;
  try {
    s = JSON.parse(text) as ControllerStatus;
  } catch (err) {
    throw new Error(`status file ${file} is not JSON: ${(err as Error).message}`);
  }
  if (s?.format !== STATUS_FORMAT || typeof s.writtenAt !== "string" || !s.boards?.vib || !s.boards?.run) {
    throw new Error(`status file ${file} is not an ${STATUS_FORMAT} document`);
  }
  return s;
}
