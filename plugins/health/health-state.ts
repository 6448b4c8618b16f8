// What a running controller knows about its own health, gathered from what any plugin may read:
// per board, whether it is connected, when its samples last arrived (wall clock), its HELLO and
// its decoder counters (boards.vib, boards.run, boards.events); the job in progress (job events);
// the last ended job and the model versions its estimates came from (jobs.records).
// `snapshot()` is the content of the status file (status-file.ts); `summary()` the systemd STATUS=.
import type { JobLogEntry } from "../../src/store/index.ts";
import { Board, BoardEvent } from "../../src/controller/channels.ts";
import { STATUS_FORMAT, type BoardStatus, type ControllerStatus } from "./status-file.ts";

const ROLES = ["vib", "run"] as const;

function emptyBoard(): BoardStatus {
  return { connected: false, lastFrameAt: null, lostAt: null, serialNo: null, rateHz: null, framesOk: 0, dropped: 0, lostFrames: 0, gaps: 0, resets: 0 };
}

export class HealthState {
  readonly boards: Record<"vib" | "run", BoardStatus> = { vib: emptyBoard(), run: emptyBoard() };
  /** Epoch ms of the last samples per board (kept as numbers: stamped on every burst). */
  private readonly lastSamples = new Float64Array([Number.NaN, Number.NaN]);
  private running: ControllerStatus["job"] = null;
  private lastJob: ControllerStatus["lastJob"] = null;
  private models: ControllerStatus["models"] = null;
  private jobs = 0;
  readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Samples of `board` (Board.VIB / Board.RUN) arrived just now. */
  samples(board: number): void {
    this.lastSamples[board] = this.now();
  }

  /** One row of boards.events. */
  event(kind: number, board: number, a: number, b: number, c: number, d: number, e: number): void {
    const s = this.boards[board === Board.VIB ? "vib" : "run"];
    switch (kind) {
      case BoardEvent.HELLO:
        s.rateHz = a;
        s.serialNo = d;
        break;
      case BoardEvent.COUNTERS:
        s.framesOk = a;
        s.dropped = b;
        s.lostFrames = c;
        s.gaps = d;
        s.resets = e;
        break;
      case BoardEvent.LOST:
      case BoardEvent.END:
        s.connected = false;
        s.lostAt = this.now();
        break;
      case BoardEvent.BACK:
        s.lostAt = null;
        break;
    }
  }

  jobStarted(id: string, ordinal: number): void {
    this.running = { id, ordinal, since: new Date(this.now()).toISOString() };
  }

  jobRecord(entry: JobLogEntry): void {
    const r = entry.record;
    this.jobs++;
    if (this.running?.ordinal === r.ordinal) this.running = null;
    this.lastJob = { id: r.id, ordinal: r.ordinal, status: r.status, reason: r.reason, startedAt: r.startedAt, endedAt: new Date(this.now()).toISOString() };
    this.models = {
      judder: { source: r.judder.source, version: r.judder.modelVersion },
      cutQuality: { source: r.cutQuality.source, version: r.cutQuality.modelVersion },
    };
  }

  private refreshBoards(): void {
    for (let b = 0; b < 2; b++) {
      const s = this.boards[ROLES[b]];
      const t = this.lastSamples[b];
      if (t !== t) continue;
      s.lastFrameAt = new Date(t).toISOString();
      // samples after a LOST mean the board is back (BACK may come later than its first frames)
      s.connected = s.lostAt === null || t > s.lostAt;
      if (s.connected) s.lostAt = null;
    }
  }

  snapshot(writeEveryMs: number, stopped = false): ControllerStatus {
    this.refreshBoards();
    const now = new Date(this.now()).toISOString();
    return {
      format: STATUS_FORMAT,
      pid: process.pid,
      startedAt: new Date(this.startedAt).toISOString(),
      writtenAt: now,
      writeEveryMs,
      stoppedAt: stopped ? now : null,
      boards: { vib: { ...this.boards.vib }, run: { ...this.boards.run } },
      job: this.running,
      lastJob: this.lastJob,
      jobsSinceStart: this.jobs,
      models: this.models,
    };
  }

  /** One short line for `systemctl status` (systemd's STATUS=). */
  summary(): string {
    this.refreshBoards();
    const boards = ROLES.map((r) => `${r.toUpperCase()} ${this.boards[r].connected ? "ok" : "missing"}`).join(", ");
    const job = this.running ? `job #${this.running.ordinal} running` : this.lastJob ? `last job #${this.lastJob.ordinal} ${this.lastJob.status}` : "no job yet";
    return `${boards}; ${job}; ${this.jobs} job(s) since start`;
  }
}
