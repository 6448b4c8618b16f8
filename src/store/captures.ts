// Raw captures per job (the bytes of both boards), optional, under a disk quota. Before a chunk
// would pass the quota the oldest unpinned captures of earlier jobs are deleted; if that cannot make
// room the current job's capture stops (marked `truncated`). A full disk (ENOSPC) stops raw capture
// altogether (state `disk-full`, reported once as an event) while the job log goes on: the capture
// files are separate from the database, so nothing already stored is touched.
//
// Byte counts are kept in memory while a job runs and written when it finishes (one row update per
// capture, not one fsync per chunk); a capture left `writing` by a crash is sized from its file on
// the next open and marked `truncated`.
import * as nodeFs from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { errorText } from "./errors.ts";

/** The file functions captures use; injectable so a test can simulate a full disk. */
export interface CaptureFs {
  mkdirSync(path: string, opts: { recursive: true }): unknown;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
  unlinkSync(path: string): void;
  statSync(path: string): { size: number };
}

export type Board = "vib" | "run";
export type CaptureState = "on" | "disk-full";

export interface CaptureOptions {
  /** Folder of the capture files. */
  dir: string;
  /** Total bytes all captures may take. */
  quotaBytes: number;
  fs?: CaptureFs;
  now?: () => number;
  /** Told about evictions, quota stops and a full disk (also written to the events table). */
  onEvent?: (type: string, message: string, data: Record<string, unknown>) => void;
}

interface Open {
  id: number;
  fd: number;
  bytes: number;
}

/** A job's capture files as the log records them (paths relative to the captures folder). */
export function jobCaptures(db: Database.Database, jobId: string): Array<{ board: Board; path: string; bytes: number; pinned: boolean; state: string }> {
  const rows = db.prepare(`SELECT board, path, bytes, pinned, state FROM captures WHERE job_id = ? ORDER BY board`).all(jobId) as Array<{
    board: Board; path: string; bytes: number; pinned: number; state: string;
  }>;
  return rows.map((r) => ({ ...r, pinned: r.pinned === 1 }));
}

/** Pins (never evicted) or unpins a job's capture; the number of files changed. Safe while a controller runs. */
export function pinCapture(db: Database.Database, jobId: string, pinned = true): number {
  return db.prepare(`UPDATE captures SET pinned = ? WHERE job_id = ?`).run(pinned ? 1 : 0, jobId).changes;
}

export class CaptureStore {
  state: CaptureState = "on";
  private used: number;
  private jobId: string | null = null;
  private stoppedForJob = false;
  private readonly open = new Map<Board, Open>();
  private readonly fs: CaptureFs;
  private readonly now: () => number;

  constructor(private readonly db: Database.Database, private readonly opts: CaptureOptions) {
    this.fs = opts.fs ?? (nodeFs as unknown as CaptureFs);
    this.now = opts.now ?? Date.now;
    this.fs.mkdirSync(opts.dir, { recursive: true });
    for (const r of db.prepare(`SELECT id, path FROM captures WHERE state = 'writing'`).all() as Array<{ id: number; path: string }>) {
      let size = 0;
      try {
        size = this.fs.statSync(join(opts.dir, r.path)).size;
      } catch {
        /* file gone: size 0 */
      }
      db.prepare(`UPDATE captures SET state = 'truncated', bytes = ? WHERE id = ?`).run(size, r.id);
    }
    this.used = db.prepare(`SELECT coalesce(sum(bytes), 0) FROM captures`).pluck().get() as number;
  }

  /** Bytes all captures take, including the running job's. */
  usedBytes(): number {
    return this.used;
  }

  /** Starts capturing a job (finishing the previous one). */
  begin(jobId: string): void {
    this.finish();
    this.jobId = jobId;
    this.stoppedForJob = false;
  }

  /** Appends a chunk of one board's bytes to the current job's capture; false when not captured. */
  append(board: Board, chunk: Uint8Array): boolean {
    if (this.state !== "on" || this.jobId === null || this.stoppedForJob) return false;
    if (this.used + chunk.byteLength > this.opts.quotaBytes && !this.evict(chunk.byteLength)) {
      this.stoppedForJob = true;
      this.markOpen("truncated");
      this.report("capture.quota", `capture of job ${this.jobId} stopped: quota of ${this.opts.quotaBytes} bytes reached and nothing left to delete (pinned or current)`, {
        job: this.jobId, quotaBytes: this.opts.quotaBytes, usedBytes: this.used, requested: chunk.byteLength,
      });
      return false;
    }
    let cap: Open | undefined;
    try {
      cap = this.openFor(board);
      let off = 0;
      while (off < chunk.byteLength) {
        const n = this.fs.writeSync(cap.fd, chunk, off, chunk.byteLength - off);
        off += n;
        cap.bytes += n;
        this.used += n;
      }
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.state = code === "ENOSPC" ? "disk-full" : this.state;
      this.stoppedForJob = true;
      this.markOpen("truncated");
      const what = code === "ENOSPC" ? "disk full" : `write failed (${code ?? errorText(err)})`;
      this.report(code === "ENOSPC" ? "capture.disk-full" : "capture.failed", `raw capture stopped: ${what} in ${this.opts.dir}; the job log goes on`, {
        job: this.jobId, error: errorText(err), usedBytes: this.used,
      });
      return false;
    }
  }

  /** Finishes the current job's capture files. */
  finish(): void {
    this.markOpen("complete");
    this.jobId = null;
  }

  /** The folder of a job's capture (vib.bin, run.bin), or null when it has none. */
  folderOf(jobId: string): string | null {
    const p = this.db.prepare(`SELECT path FROM captures WHERE job_id = ? LIMIT 1`).pluck().get(jobId) as string | undefined;
    return p === undefined ? null : join(this.opts.dir, p, "..");
  }

  /** Pinned captures are never evicted. */
  pin(jobId: string, pinned = true): number {
    return pinCapture(this.db, jobId, pinned);
  }

  list(): Array<{ jobId: string; board: Board; path: string; bytes: number; pinned: boolean; state: string; created: number }> {
    const rows = this.db.prepare(`SELECT job_id, board, path, bytes, pinned, state, created FROM captures ORDER BY created, id`).all() as Array<{
      job_id: string; board: Board; path: string; bytes: number; pinned: number; state: string; created: number;
    }>;
    return rows.map((r) => ({ jobId: r.job_id, board: r.board, path: join(this.opts.dir, r.path), bytes: r.bytes, pinned: r.pinned === 1, state: r.state, created: r.created }));
  }

  private openFor(board: Board): Open {
    const have = this.open.get(board);
    if (have) return have;
    // One folder per job holding vib.bin / run.bin, so `edgeprop replay --dir` plays it back.
    const folder = this.jobId!.replace(/[^A-Za-z0-9._-]/g, "_");
    const name = `${folder}/${board}.bin`;
    this.fs.mkdirSync(join(this.opts.dir, folder), { recursive: true });
    const fd = this.fs.openSync(join(this.opts.dir, name), "w");
    const id = Number(
      this.db.prepare(`INSERT INTO captures (job_id, board, path, bytes, pinned, state, created) VALUES (?, ?, ?, 0, 0, 'writing', ?)
                       ON CONFLICT (job_id, board) DO UPDATE SET state = 'writing', bytes = 0 RETURNING id`).pluck().get(this.jobId, board, name, this.now()),
    );
    const cap = { id, fd, bytes: 0 };
    this.open.set(board, cap);
    return cap;
  }

  private markOpen(state: "complete" | "truncated"): void {
    for (const cap of this.open.values()) {
      try {
        this.fs.closeSync(cap.fd);
      } catch {
        /* already closed */
      }
      try {
        this.db.prepare(`UPDATE captures SET state = ?, bytes = ? WHERE id = ?`).run(state, cap.bytes, cap.id);
      } catch {
        /* SQLite cannot write either: the next open sizes the file from disk */
      }
    }
    this.open.clear();
  }

  /** Deletes oldest unpinned captures of other jobs until `bytes` more fit; false if they cannot. */
  private evict(bytes: number): boolean {
    const victims = this.db
      .prepare(`SELECT id, job_id, path, bytes FROM captures WHERE pinned = 0 AND state != 'writing' AND job_id != ? ORDER BY created, id`)
      .all(this.jobId) as Array<{ id: number; job_id: string; path: string; bytes: number }>;
    for (const v of victims) {
      if (this.used + bytes <= this.opts.quotaBytes) break;
      try {
        this.fs.unlinkSync(join(this.opts.dir, v.path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") continue;
      }
      this.db.prepare(`DELETE FROM captures WHERE id = ?`).run(v.id);
      this.used -= v.bytes;
      this.opts.onEvent?.("capture.evicted", `deleted capture ${v.path} (${v.bytes} bytes) to stay under the quota`, { job: v.job_id, bytes: v.bytes });
    }
    return this.used + bytes <= this.opts.quotaBytes;
  }

  private report(type: string, message: string, data: Record<string, unknown>): void {
    this.opts.onEvent?.(type, message, data);
    try {
      this.db.prepare(`INSERT INTO events (type, time, source, message, data) VALUES (?, ?, 'captures', ?, ?)`).run(type, this.now(), message, JSON.stringify(data));
    } catch {
      /* the database may be on the same full disk; the caller's onEvent still heard it */
    }
  }
}
