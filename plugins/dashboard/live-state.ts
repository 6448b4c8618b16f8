// What the live page shows, kept by the dashboard from the pipeline's channels and job events, and
// sent to every connected page: a full snapshot on connect, then one message per change.
//
// Messages (JSON, server → page):
//   {type:"snapshot", state: LiveState}
//   {type:"job", job}                      start, phase change, end
//   {type:"rev", rev, profile?}            one revolution of the current job (profile: runout shape, µm)
//   {type:"spectrum", spectrum}            vibration spectrum of the radial axis
//   {type:"health", health}                board counters
//   {type:"record", record}                the ended job's record (the figures of record)
//   {type:"learner", status}               a learner's running scores, version and source (per kind)
import type { JobRecord } from "../../src/store/job-record.ts";
import type { LearnerStatus } from "../../src/learn/learner-status.ts";
import type { Limits } from "./config.ts";

export type Phase = "measure" | "cut" | "check";
export const PHASE_BY_STATE: readonly (Phase | null)[] = [null, "measure", "cut", "check"];

export interface LiveRev {
  ordinal: number;
  phase: Phase | null;
  pass: number;
  /** 1: measured after the compensation was done (counts for LRO before). */
  comp: number;
  /** 1: a good revolution; 0: dropped (samples not continuous), its figures not used. */
  ok: number;
  /** Board time of the revolution's INDEX, µs. */
  t: number;
  lroUm: number | null;
  rpm: number | null;
}

export interface Profile {
  ordinal: number;
  /** Index of the revolution in `LiveState.revs`. */
  rev: number;
  phase: Phase | null;
  lroUm: number | null;
  /** Deviation from the revolution's mean per 5° bin, µm (null: no sample in the bin). */
  um: (number | null)[];
}

export interface LiveJob {
  id: string;
  ordinal: number;
  phase: Phase | "ended";
  pass: number;
  startedAt: string | null;
  status: "running" | "complete" | "interrupted";
  reason: string | null;
}

export interface BoardHealth {
  online: boolean;
  framesOk: number;
  dropped: number;
  lostFrames: number;
  gaps: number;
  resets: number;
  samples: number;
  rateHz: number | null;
}

export interface Spectrum {
  /** Bin spacing, Hz. */
  df: number;
  /** Peak amplitude per bin, g (bin 0 = DC). */
  amp: number[];
  /** Spindle speed when it was taken (for the order markers). */
  rpm: number | null;
}

export interface LiveState {
  job: LiveJob | null;
  revs: LiveRev[];
  /** Runout shape before the cut (last compensated measure revolution) and after (last check revolution). */
  before: Profile | null;
  after: Profile | null;
  latest: Profile | null;
  spectrum: Spectrum | null;
  health: { vib: BoardHealth; run: BoardHealth };
  /** The last ended job's record. */
  record: JobRecord | null;
  /** The running learners' latest status, by model kind (empty without the with-learners variant). */
  learners: Record<string, LearnerStatus>;
  limits: Limits;
  units: "um" | "thou";
}

export type LiveMessage =
  | { type: "snapshot"; state: LiveState }
  | { type: "job"; job: LiveJob }
  | { type: "rev"; rev: LiveRev; index: number; profile: Profile | null; slot: "before" | "after" | null }
  | { type: "spectrum"; spectrum: Spectrum }
  | { type: "health"; board: "vib" | "run"; health: BoardHealth }
  | { type: "record"; record: JobRecord }
  | { type: "learner"; status: LearnerStatus };

/** At most this many revolutions of a job are kept for the page (a real cut is a few hundred). */
export const MAX_REVS = 2000;

function board(): BoardHealth {
  return { online: false, framesOk: 0, dropped: 0, lostFrames: 0, gaps: 0, resets: 0, samples: 0, rateHz: null };
}

export class LiveStore {
  readonly state: LiveState;
  private readonly listeners = new Set<(m: LiveMessage) => void>();

  constructor(limits: Limits, units: "um" | "thou") {
    this.state = { job: null, revs: [], before: null, after: null, latest: null, spectrum: null, health: { vib: board(), run: board() }, record: null, learners: {}, limits, units };
  }

  subscribe(fn: (m: LiveMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private send(m: LiveMessage): void {
    for (const fn of this.listeners) fn(m);
  }

  jobStart(id: string, ordinal: number, startedAt: string | null): void {
    const s = this.state;
    s.job = { id, ordinal, phase: "measure", pass: 0, startedAt, status: "running", reason: null };
    s.revs = [];
    s.before = s.after = s.latest = null;
    this.send({ type: "job", job: s.job });
  }

  jobPhase(phase: Phase, pass: number): void {
    const j = this.state.job;
    if (!j) return;
    j.phase = phase;
    j.pass = pass;
    // A new cut pass makes the earlier check revolutions "before the last cut" again.
    if (phase === "cut") this.state.after = null;
    this.send({ type: "job", job: j });
  }

  jobEnd(status: "complete" | "interrupted", reason: string | null): void {
    const j = this.state.job;
    if (!j) return;
    j.phase = "ended";
    j.status = status;
    j.reason = reason;
    this.send({ type: "job", job: j });
  }

  /** One revolution of the current job; `profileUm` its runout shape when the samples were at hand. */
  revolution(rev: LiveRev, profileUm: (number | null)[] | null): void {
    const s = this.state;
    if (!s.job || rev.ordinal !== s.job.ordinal || s.revs.length >= MAX_REVS) return;
    const index = s.revs.push(rev) - 1;
    const profile = profileUm && rev.ok === 1 ? { ordinal: rev.ordinal, rev: index, phase: rev.phase, lroUm: rev.lroUm, um: profileUm } : null;
    let slot: "before" | "after" | null = null;
    if (profile) {
      s.latest = profile;
      if (rev.phase === "measure" && rev.comp === 1) slot = "before";
      else if (rev.phase === "check") slot = "after";
      if (slot) s[slot] = profile;
    }
    this.send({ type: "rev", rev, index, profile, slot });
  }

  spectrum(sp: Spectrum): void {
    this.state.spectrum = sp;
    this.send({ type: "spectrum", spectrum: sp });
  }

  health(which: "vib" | "run", patch: Partial<BoardHealth>): void {
    Object.assign(this.state.health[which], patch);
    this.send({ type: "health", board: which, health: this.state.health[which] });
  }

  record(r: JobRecord): void {
    this.state.record = r;
    this.send({ type: "record", record: r });
  }

  learner(status: LearnerStatus): void {
    this.state.learners[status.kind] = status;
    this.send({ type: "learner", status });
  }

  /** The latest runout shapes of the current job, for the job's stored plots. */
  profilesOf(ordinal: number): { before: Profile | null; after: Profile | null } | null {
    const s = this.state;
    return s.job && s.job.ordinal === ordinal ? { before: s.before, after: s.after } : null;
  }
}
