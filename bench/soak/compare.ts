// The soak's verdict on the job log: every job the simulator ran against what the controller logged,
// given the faults the run injected. Pure (no files, no processes), so a test can feed it a truth
// with one job changed and see the mismatch.
//
// What each simulated job should have become (the controller's documented rules, README / job
// tracker):
// - a RUN or VIB unplug, or a RUN reboot, that begins during the job (measure start → back to idle)
//   → `interrupted` with that board's reason (the first such fault);
// - a VIB reboot during the job → the job goes on (`complete`; the revolutions across it are dropped);
// - a board away (unplugged and not yet back, or a RUN board still dark after a reboot) when the job
//   starts → not judged: the job may be missing, or start late; these are listed apart, with what
//   the controller made of them;
// - otherwise the truth's own outcome: aborted in measure / cut → `interrupted` with that reason,
//   else `complete` with 1 pass (2 after a re-cut).
// Checked per job: found (matched by board time, across the 2^32 µs clock wraps), start time equal
// to the truth's, status, reason, passes, and (unless a fault cut it short) LRO before / after the
// cut within 1.5 µm and rpm within 1.5 % of the set point (the tolerances of
// test/controller/replay-accuracy.test.ts). Ordinals: the controller counts every start it sees, so
// its ordinals run 1, 2, … without gaps in log order and match the simulator's until a job is missed.
import { Reason } from "../../src/controller/job-tracker.ts";
import type { FaultWindow, LoggedJob, TruthJob } from "./truth.ts";

export const TOLERANCE = { lroUm: 1.5, rpmFraction: 0.015 } as const;
const TWO32 = 4294967296;

export type Expectation =
  | { kind: "complete"; passes: number }
  | { kind: "interrupted"; reason: string; byFault: boolean }
  | { kind: "not-judged"; why: string };

export interface Mismatch {
  /** The simulator's job ordinal (null: a logged job that matches no simulated job). */
  job: number | null;
  /** The controller's ordinal (null: no logged job). */
  ordinal: number | null;
  what: string;
  expected: string;
  got: string;
  /** Faults that touched the job, line damage in it, a loose adapter, as text (empty: none). */
  faults: string;
}

export interface Comparison {
  truthJobs: number;
  loggedJobs: number;
  matched: number;
  expected: { complete: number; interrupted: number; interruptedByFault: number; notJudged: number };
  got: { complete: number; interrupted: number };
  /** Jobs that started while a board was away: what the controller logged (or "missing"). */
  notJudged: { job: number; why: string; got: string }[];
  /** Where the simulator's ordinal minus the controller's changes (after jobs it never saw). */
  ordinalOffsets: { fromJob: number; offset: number }[];
  /**
   * Jobs no board fault touched whose logged revolutions (measure + cut + check) fall short of the
   * truth's, and by how many in all; `clean`: of those, the jobs whose line had no damage either
   * (no dropped frame, no seq gap): there the pipeline itself lost the revolutions.
   */
  revolutionDeficit: { jobs: number; revs: number; clean: { jobs: number; revs: number } };
  /** A second record of one simulated job: a RUN board back in the middle of a measure starts a job (state unknown → measure). */
  restarts: { job: number; ordinal: number | null; got: string }[];
  mismatches: Mismatch[];
}

const REASON_LOST = { run: Reason.RUN_LOST, vib: Reason.VIB_LOST } as const;

function describe(f: FaultWindow): string {
  return `${f.board} ${f.kind} at ${(f.fromSimUs / 1e6).toFixed(1)} s (to ${(f.toSimUs / 1e6).toFixed(1)} s)`;
}

/** Faults that touch [start, end] of a job, in time order. */
function touching(t: TruthJob, faults: readonly FaultWindow[]): FaultWindow[] {
  return faults.filter((f) => f.fromSimUs <= t.endSimUs && f.toSimUs >= t.startSimUs).sort((a, b) => a.fromSimUs - b.fromSimUs);
}

export function expectationOf(t: TruthJob, faults: readonly FaultWindow[]): Expectation {
  const hits = touching(t, faults);
  const away = hits.find((f) => f.fromSimUs <= t.startSimUs && f.toSimUs > t.startSimUs && (f.kind !== "reset" || f.board === "run"));
  if (away) return { kind: "not-judged", why: `${away.board} board away at the job's start (${describe(away)})` };
  const inside = hits.find((f) => f.fromSimUs > t.startSimUs && f.fromSimUs < t.endSimUs && (f.kind !== "reset" || f.board === "run"));
  if (inside) return { kind: "interrupted", reason: inside.kind === "reset" ? Reason.RUN_RESET : REASON_LOST[inside.board], byFault: true };
  if (t.aborted === "measure") return { kind: "interrupted", reason: Reason.ABORT_MEASURE, byFault: false };
  if (t.aborted === "cut") return { kind: "interrupted", reason: Reason.ABORT_CUT, byFault: false };
  return { kind: "complete", passes: t.recut ? 2 : 1 };
}

/** The sim time (µs since power-up) of a u32 board time: the wrap nearest after `afterSimUs` − 60 s. */
export function simTimeOf(boardUs: number, clockStartUs: number, afterSimUs: number): number {
  const base = (((boardUs - clockStartUs) % TWO32) + TWO32) % TWO32;
  const k = Math.max(0, Math.ceil((afterSimUs - 60e6 - base) / TWO32));
  return base + k * TWO32;
}

/** Index of the truth job whose [start, end] holds simUs (truth in start order), or −1. */
function jobAt(truth: readonly TruthJob[], simUs: number): number {
  let lo = 0;
  let hi = truth.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (truth[mid].startSimUs > simUs) hi = mid - 1;
    else lo = mid + 1;
  }
  return hi >= 0 && simUs <= truth[hi].endSimUs ? hi : -1;
}

function text(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? "null" : v.toFixed(digits);
}

function within(a: number | null, b: number | null, tol: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tol;
}

export function compareJobLog(truthIn: readonly TruthJob[], logged: readonly LoggedJob[], faults: readonly FaultWindow[], clockStartUs: number): Comparison {
  const truth = [...truthIn].sort((a, b) => a.startSimUs - b.startSimUs);
  const mismatches: Mismatch[] = [];
  const recordOf = new Map<number, LoggedJob>();
  const restarts: Comparison["restarts"] = [];
  let after = 0;
  let prevOrdinal = 0;
  for (const r of logged) {
    if (r.ordinal !== prevOrdinal + 1) {
      mismatches.push({ job: null, ordinal: r.ordinal, what: "ordinal sequence", expected: `${prevOrdinal + 1}`, got: `${r.ordinal}`, faults: "" });
    }
    prevOrdinal = r.ordinal ?? prevOrdinal;
    const sim = r.boardStartUs === null ? Number.NaN : simTimeOf(r.boardStartUs, clockStartUs, after);
    const i = Number.isNaN(sim) ? -1 : jobAt(truth, sim);
    if (i < 0) {
      mismatches.push({ job: null, ordinal: r.ordinal, what: "logged job the simulator never ran", expected: "none", got: `${r.status} starting at board time ${r.boardStartUs}`, faults: "" });
      continue;
    }
    after = sim;
    const t = truth[i];
    if (recordOf.has(t.job)) {
      // the tracker's rule: a RUN board that rebooted or came back reports its state; measure then starts a job
      const runBack = faults.some((f) => f.board === "run" && f.fromSimUs > t.startSimUs && f.fromSimUs < sim);
      const got = `${r.status}${r.reason ? ` (${r.reason})` : ""}`;
      if (runBack) restarts.push({ job: t.job, ordinal: r.ordinal, got });
      else mismatches.push({ job: t.job, ordinal: r.ordinal, what: "job logged twice", expected: "one record", got: `ordinals ${recordOf.get(t.job)!.ordinal} and ${r.ordinal} (${got})`, faults: touching(t, faults).map(describe).join("; ") });
      continue;
    }
    recordOf.set(t.job, r);
  }

  const out: Comparison = {
    truthJobs: truth.length,
    loggedJobs: logged.length,
    matched: recordOf.size,
    expected: { complete: 0, interrupted: 0, interruptedByFault: 0, notJudged: 0 },
    got: { complete: logged.filter((r) => r.status === "complete").length, interrupted: logged.filter((r) => r.status === "interrupted").length },
    notJudged: [],
    ordinalOffsets: [],
    revolutionDeficit: { jobs: 0, revs: 0, clean: { jobs: 0, revs: 0 } },
    restarts,
    mismatches,
  };
  let offset = 0;
  for (const t of truth) {
    const e = expectationOf(t, faults);
    const r = recordOf.get(t.job);
    const faultText = touching(t, faults).map(describe).join("; ");
    const notes = [faultText, r && r.lineDamage > 0 ? `line damage in the job: ${r.lineDamage} dropped frames + seq gaps` : "", t.looseWanderUm > 0 ? `loose adapter (runout wanders ${t.looseWanderUm.toFixed(1)} µm)` : ""];
    const note = notes.filter(Boolean).join("; ");
    const miss = (what: string, expected: string, got: string) => mismatches.push({ job: t.job, ordinal: r?.ordinal ?? null, what, expected, got, faults: note });
    if (r && r.ordinal !== null && t.job - r.ordinal !== offset) {
      offset = t.job - r.ordinal;
      out.ordinalOffsets.push({ fromJob: t.job, offset });
    }
    if (e.kind === "not-judged") {
      out.expected.notJudged++;
      out.notJudged.push({ job: t.job, why: e.why, got: r ? `${r.status}${r.reason ? ` (${r.reason})` : ""}${r.boardStartUs === t.boardStartUs ? "" : ", late start"}` : "missing" });
      continue;
    }
    if (e.kind === "complete") out.expected.complete++;
    else {
      out.expected.interrupted++;
      if (e.byFault) out.expected.interruptedByFault++;
    }
    const want = e.kind === "complete" ? "complete" : `interrupted (${e.reason})`;
    if (!r) {
      miss("job missing from the log", want, "missing");
      continue;
    }
    if (r.boardStartUs !== t.boardStartUs) miss("start (board µs)", `${t.boardStartUs}`, `${r.boardStartUs}`);
    const got = r.status === "complete" ? "complete" : `interrupted (${r.reason})`;
    if (got !== want) miss("status", want, got);
    if (e.kind === "interrupted" && e.byFault) continue; // cut short by the fault: its measurements are partial
    if (faultText === "" && r.revs !== null && r.revs < t.phaseRevs) {
      out.revolutionDeficit.jobs++;
      out.revolutionDeficit.revs += t.phaseRevs - r.revs;
      if (r.lineDamage === 0) {
        out.revolutionDeficit.clean.jobs++;
        out.revolutionDeficit.clean.revs += t.phaseRevs - r.revs;
      }
    }
    if (e.kind === "complete" && r.passes !== e.passes) miss("passes", `${e.passes}`, `${r.passes}`);
    if (!within(r.lroPreUm, t.lroBeforeUm, TOLERANCE.lroUm)) miss("LRO before the cut (µm)", text(t.lroBeforeUm), text(r.lroPreUm));
    if (!within(r.lroPostUm, t.residualLroUm, TOLERANCE.lroUm)) miss("LRO after the cut (µm)", text(t.residualLroUm), text(r.lroPostUm));
    // a measure aborted within its first revolutions may hold no whole revolution: no rpm then
    const noRevs = r.rpm === null && t.aborted === "measure";
    if (!noRevs && (r.rpm === null || Math.abs(r.rpm - t.rpm) / t.rpm > TOLERANCE.rpmFraction)) miss("rpm", `${text(t.rpm, 1)} ± 1.5 %`, text(r.rpm, 1));
  }
  return out;
}
