// job-tracker: the datasheet's job rules (src/controller/job-tracker.ts) over the boards' events.
// Writes jobs.stream (START, each revolution with its phase, CUT_END, END, in order), announces
// job.start / job.phase / job.end, and at each end hands the job's summary to jobs.ended.
// Alarms it notes on a running job: a VIB reboot (its revolutions across it are dropped), sensor
// faults and board buffer overflows reported by STATUS.
import { definePlugin, z } from "../../src/runtime/index.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { JobTracker, Out, PHASE_EVENT, Reason } from "../../src/controller/job-tracker.ts";
import { Board, BoardEvent, boardEvents, jobsEnded, jobStream, StreamKind, type EndedJob } from "../../src/controller/channels.ts";

export const configSchema = z.object({
  /** "wall": jobs get the wall-clock start time (live); "none": startedAt null (replay). */
  startedAt: z.enum(["wall", "none"]).default("wall"),
  /** Prefix of job ids (default: the session's start time when live, "replay" otherwise). */
  idPrefix: z.string().min(1).optional(),
});

const PHASES = ["idle", "measure", "cut", "check"];
const COUNTER_NAMES = ["framesOk", "dropped", "lostFrames", "gaps", "resets", "samples"] as const;

export default definePlugin(
  {
    name: "job-tracker",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [boardEvents],
    writes: [jobStream, jobsEnded],
    description: "jobs, phases and revolutions by the datasheet's rules",
  },
  (ctx, config) => {
    const out = ctx.channels.writer(jobStream);
    const ended = ctx.channels.writer(jobsEnded);
    const cols = (["kind", "ordinal", "t", "period", "phase", "comp", "pass", "tool"] as const).map((f) => out.column(f));
    const live = config.startedAt === "wall";
    const prefix = config.idPrefix ?? (live ? new Date().toISOString().replace(/[-:]/g, "").slice(0, 15) : "replay");
    const m = {
      jobs: ctx.metrics.counter("jobs", "jobs started"),
      interrupted: ctx.metrics.counter("interrupted", "jobs ended interrupted"),
      revolutions: ctx.metrics.counter("revolutions", "revolutions handed on"),
      full: ctx.metrics.counter("streamFull", "jobs.stream rows refused (full)"),
    };
    /** Latest decoder counters per board (COUNTERS rows), and their values at the job's start. */
    const counters = [new Float64Array(6), new Float64Array(6)];
    const atStart = [new Float64Array(6), new Float64Array(6)];
    let job: { ordinal: number; id: string; boardStartUs: number; startedAt: string | null; alarms: EndedJob["alarms"] } | null = null;
    const backlog: EndedJob[] = [];

    const row = (kind: number): void => {
      const o = tracker.out;
      const slot = out.claim();
      if (slot < 0) {
        m.full.inc();
        return;
      }
      cols[0][slot] = kind;
      cols[1][slot] = o[Out.ORDINAL];
      cols[2][slot] = o[Out.T];
      cols[3][slot] = kind === StreamKind.REV ? o[Out.PERIOD] : 0;
      cols[4][slot] = kind === StreamKind.REV ? o[Out.PHASE] : 0;
      cols[5][slot] = kind === StreamKind.REV ? o[Out.COMP] : 0;
      cols[6][slot] = o[Out.PASS];
      cols[7][slot] = kind === StreamKind.REV ? o[Out.TOOL] : 0;
      out.publish();
    };

    const flushEnded = (): void => {
      while (backlog.length > 0 && ended.push(backlog[0])) backlog.shift();
      if (backlog.length > 0) void ended.whenWritable().then(flushEnded);
    };

    const frames = (b: number): Record<string, number> => {
      const r: Record<string, number> = {};
      COUNTER_NAMES.forEach((n, i) => (r[n] = counters[b][i] - atStart[b][i]));
      return r;
    };

    const tracker = new JobTracker((kind) => {
      const o = tracker.out;
      if (kind === StreamKind.REV) {
        m.revolutions.inc();
        row(kind);
        return;
      }
      const ordinal = o[Out.ORDINAL];
      const t = o[Out.T];
      if (kind === StreamKind.START) {
        m.jobs.inc();
        atStart[0].set(counters[0]);
        atStart[1].set(counters[1]);
        const startedAt = live ? new Date().toISOString() : null;
        const boardStartUs = o[Out.RAW];
        job = { ordinal, id: `${prefix}-${ordinal}-${boardStartUs}`, boardStartUs, startedAt, alarms: [] };
        row(kind);
        ctx.jobs.emit({ type: "job.start", job: job.id, boardUs: t, message: `job ${ordinal} started (measure)`, data: { ordinal, boardStartUs, startedAt } });
      } else if (kind === PHASE_EVENT) {
        if (!job) return;
        const phase = PHASES[o[Out.PHASE]] ?? "?";
        ctx.jobs.emit({ type: "job.phase", job: job.id, boardUs: t, message: `job ${ordinal}: ${phase}${o[Out.PHASE] === LatheState.CUT ? ` (pass ${o[Out.PASS]})` : ""}`, data: { ordinal, phase, pass: o[Out.PASS] } });
      } else if (kind === StreamKind.CUT_END) {
        row(kind);
      } else if (kind === StreamKind.END) {
        row(kind);
        if (!job) return;
        const reason = tracker.reason;
        const status = reason === null ? "complete" : "interrupted";
        if (reason !== null) m.interrupted.inc();
        const e: EndedJob = {
          ordinal, id: job.id, boardStartUs: job.boardStartUs, startedAt: job.startedAt, status, reason,
          passes: o[Out.PASS], frames: { vib: frames(0), run: frames(1) }, alarms: job.alarms,
        };
        ctx.jobs.emit({ type: "job.end", job: job.id, boardUs: t, message: `job ${ordinal} ${status}${reason ? `: ${reason}` : ""}`, data: { ordinal, status, reason } });
        job = null;
        backlog.push(e);
        flushEnded();
      }
    });

    const alarm = (code: string, board: number, t: number, message: string): void => {
      if (!job || job.alarms.some((a) => a.code === code)) return;
      job.alarms.push({ code, board: board === Board.VIB ? "vib" : "run", atUs: t, message });
    };

    const r = ctx.channels.reader(boardEvents, () => {
      for (let i = r.next(); i >= 0; i = r.next()) {
        const k = kind[i];
        const bd = board[i];
        if (k === BoardEvent.INDEX) {
          if (bd === Board.RUN) tracker.onIndex(t[i], a[i]);
        } else if (k === BoardEvent.LATHE) {
          if (bd === Board.RUN) tracker.onLathe(t[i], e[i], a[i], c[i], d[i]);
        } else if (k === BoardEvent.COUNTERS) {
          const cs = counters[bd];
          cs[0] = a[i]; cs[1] = b[i]; cs[2] = c[i]; cs[3] = d[i]; cs[4] = e[i]; cs[5] = f[i];
        } else if (k === BoardEvent.HELLO) {
          if (c[i] !== 1) continue;
          if (bd === Board.RUN) tracker.onRunReset(t[i]);
          else alarm("vib-reset", bd, t[i], "VIB board rebooted: its revolutions across the reboot were dropped");
        } else if (k === BoardEvent.GAP) {
          if (bd === Board.RUN) tracker.onRunDiscontinuity();
        } else if (k === BoardEvent.STATUS) {
          if (a[i] & 2) alarm("sensor-fault", bd, t[i], `${bd === Board.VIB ? "VIB" : "RUN"} sensor fault reported`);
          if (a[i] & 4) alarm("overflow", bd, t[i], `${bd === Board.VIB ? "VIB" : "RUN"} board dropped ${b[i]} samples (buffer overflow)`);
        } else if (k === BoardEvent.LOST) {
          tracker.onGone(t[i], bd === Board.VIB ? Reason.VIB_LOST : Reason.RUN_LOST);
        } else if (k === BoardEvent.END) {
          tracker.onGone(t[i], Reason.END_OF_CAPTURE);
        }
      }
    });
    const [kind, board, t, a, b, c, d, e, f] = (["kind", "board", "t", "a", "b", "c", "d", "e", "f"] as const).map((x) => r.column(x));
    return {};
  },
);
