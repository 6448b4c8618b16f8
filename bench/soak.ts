// Soak benchmark (npm run bench:soak [-- --hours 8 --speed 20 --seed 1]; quick look: --hours 0.25).
//
// Board hours of a mixed fleet with faults (corrupted bytes, lost chunks, board reboots, unplugs,
// the 2^32 µs clock wraps) go through the controller's live pipeline on ptys at `speed` × real time:
// firmware-sim serves both boards on socat pty pairs in one child process, the controller of
// `run --sim` (boards on the ptys, job tracker, features, rules, records, SQLite job log in a temp
// folder) runs in another. Printed: usage over board time (RSS, heap, event-loop delay, CPU per
// board second, revolution latency), the memory slope over the second half, frames dropped by
// reason per board, the boards' losses and returns, and the job log against the simulator's truth
// with every mismatch listed. Ends with a summary block for the README.
//
// --probe [--speeds 25,50,100,200] [--hours 0.1]: short clean runs (no faults; 0.05 h each unless
// --hours is given) at each speed, to find the highest speed at which the live pipeline keeps up:
// no pty overflow, no frame or revolution lost, no job missing, misjudged or without measurements.
// 20× kept up on the 2-core development machine (README, Soak); hence the default speed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BOOT_US } from "../firmware-sim/faults.ts";
import type { FaultPlan } from "../firmware-sim/index.ts";
import { compareJobLog, type Comparison } from "./soak/compare.ts";
import { CLOCK_START_US, soakFaultPlan, UNPLUG_S } from "./soak/fault-plan.ts";
import { memoryTrend, timelineTable, type Sample } from "./soak/report.ts";
import { runSoak, type RunResult } from "./soak/runner.ts";
import type { FaultWindow } from "./soak/truth.ts";

const { values: a } = parseArgs({
  options: {
    hours: { type: "string", default: "8" },
    speed: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    scenario: { type: "string", default: "mixed" },
    "sample-min": { type: "string" },
    "corrupt-p": { type: "string", default: "1e-4" },
    "lose-p": { type: "string", default: "5e-5" },
    "faults-per-hour": { type: "string", default: "1" },
    probe: { type: "boolean", default: false },
    speeds: { type: "string", default: "25,50,100,200" },
    keep: { type: "boolean", default: false },
  },
});
const HOURS = Number(a.hours);
const SPEED = Number(a.speed);
const SEED = Number(a.seed);
const JOB_S = 15.9; // mean simulated job length of the mixed fleet (1757 jobs took 7.78 h with seed 1)
const TWO32 = 4294967296;

function jobsFor(hours: number): number {
  return Math.max(2, Math.ceil((hours * 3600) / JOB_S));
}

/** Planned faults as sim-time windows; an unplug lasts until the controller had the board back. */
function faultWindows(plan: FaultPlan, r: RunResult): FaultWindow[] {
  const end = r.sim.simUs;
  const happened = (f: { atS: number }) => f.atS * 1e6 < end; // planned after the last job: never happened
  const out: FaultWindow[] = (plan.resets ?? []).filter(happened).map((f) => ({ kind: "reset", board: f.board, fromSimUs: f.atS * 1e6, toSimUs: f.atS * 1e6 + BOOT_US }));
  const lost = r.boardEvents.filter((e) => e.kind === "lost");
  const used = new Set<number>();
  for (const f of (plan.vanishes ?? []).filter(happened)) {
    const from = f.atS * 1e6;
    // its LOST event: the first of that board at or after the unplug (mapping wall → sim time is good to a few 10 ms × speed)
    const i = lost.findIndex((e, k) => !used.has(k) && e.board === f.board && e.simUs >= from - 2e6);
    if (i >= 0) used.add(i);
    const back = r.boardEvents.find((e) => e.kind === "back" && e.board === f.board && e.simUs >= from);
    out.push({ kind: "unplug", board: f.board, fromSimUs: from, toSimUs: back ? back.simUs : end });
  }
  lost.forEach((e, k) => {
    if (used.has(k)) return;
    const back = r.boardEvents.find((x) => x.kind === "back" && x.board === e.board && x.simUs >= e.simUs);
    out.push({ kind: "lost", board: e.board, fromSimUs: e.simUs, toSimUs: back ? back.simUs : end });
  });
  return out.sort((x, y) => x.fromSimUs - y.fromSimUs);
}

const fmtH = (s: number) => `${(s / 3600).toFixed(2)} h`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function once(hours: number, speed: number, plan: FaultPlan, sampleBoardS: number, live: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-soak-"));
  try {
    if (live) console.log(`\nusage of the controller process over board time (a row every ${sampleBoardS / 60} board-min):`);
    let prev: Sample | undefined;
    const r = await runSoak({
      scenario: a.scenario!,
      jobs: jobsFor(hours),
      seed: SEED,
      speed,
      clockStartUs: CLOCK_START_US,
      faults: plan,
      dir,
      sampleBoardS,
      onSample: live
        ? (s) => {
            const t = timelineTable([s], prev).split("\n");
            if (!prev) console.log(t[0]);
            prev = s;
            console.log(t[1]);
          }
        : undefined,
    });
    const windows = faultWindows(plan, r);
    const cmp = compareJobLog(r.truth, r.logged, windows, CLOCK_START_US);
    return { r, cmp, windows, dir };
  } finally {
    if (!a.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function keptUp(r: RunResult, cmp: Comparison, speed: number): { ok: boolean; achieved: number; why: string[] } {
  const achieved = r.sim.simUs / 1e6 / r.sim.wallS;
  const why: string[] = [];
  if (r.sim.linkDropped > 0) why.push(`pty overflow: ${r.sim.linkDropped} chunks dropped`);
  for (const b of ["vib", "run"] as const) {
    const d = r.drops[b];
    if (!d) why.push(`${b}: no status line`);
    else if (d.lostFrames + d.gaps + d.dropped > 0) why.push(`${b}: ${d.lostFrames} frames lost, ${d.gaps} gaps, ${d.dropped} dropped`);
  }
  if (achieved < 0.95 * speed) why.push(`simulator reached only ${achieved.toFixed(1)}×`);
  // LRO and rpm values off by more than the tolerance are accuracy, not keeping up (replay gives the same)
  const lost = cmp.mismatches.filter((m) => !/^(LRO|rpm)/.test(m.what) || m.got === "null");
  if (lost.length > 0) why.push(`${lost.length} jobs missing, misjudged or without a measurement`);
  if (cmp.revolutionDeficit.revs > 0) why.push(`${cmp.revolutionDeficit.revs} revolutions missing in ${cmp.revolutionDeficit.jobs} jobs (features: ${r.final.featureDropped} of ${r.final.featureRevs} dropped, ${r.final.featureLostSamples} samples lost behind a channel)`);
  if (r.trouble.length > 0) why.push(...r.trouble.slice(0, 3));
  return { ok: why.length === 0, achieved, why };
}

function cpuOf(r: RunResult): { totalS: number; perBoardS: number; ofCore: number } {
  const totalS = r.samples.reduce((s, x) => s + x.cpuUserS + x.cpuSystemS, 0);
  const boardS = r.samples.reduce((s, x) => s + x.spanBoardS, 0);
  const wallS = r.samples.length > 1 ? (r.samples.at(-1)!.wallMs - r.samples[0].wallMs) / 1000 + r.samples[0].spanBoardS / (r.sim.simUs / 1e6 / r.sim.wallS) : r.wallS;
  return { totalS, perBoardS: totalS / boardS, ofCore: totalS / wallS };
}

if (a.probe) {
  const speeds = a.speeds!.split(",").map(Number);
  const hours = Number(a.hours) === 8 ? 0.05 : HOURS;
  console.log(`probe: ${fmtH(hours * 3600)} of board time per speed, mixed fleet, no faults; keeps up = no pty overflow, no frame lost or dropped, no revolution dropped, no job missing, misjudged or without its measurements`);
  for (const speed of speeds) {
    const { r, cmp } = await once(hours, speed, { resets: [], vanishes: [] }, Math.max(30, (hours * 3600) / 6), false);
    const k = keptUp(r, cmp, speed);
    const cpu = cpuOf(r);
    const eld = Math.max(...r.samples.map((s) => s.eldP99Ms));
    console.log(
      `  ${String(speed).padStart(4)}×: ${k.ok ? "keeps up" : "FALLS BEHIND"}  achieved ${k.achieved.toFixed(1)}×, controller ${pct(cpu.ofCore)} of one core ` +
        `(${(cpu.perBoardS * 1000).toFixed(2)} ms per board-s), simulator ${pct(r.sim.cpuS / r.sim.wallS)}, ELD p99 ≤ ${eld.toFixed(1)} ms, ` +
        `${cmp.matched}/${cmp.truthJobs} jobs${k.ok ? "" : ` — ${k.why.join("; ")}`}`,
    );
    for (const m of cmp.mismatches.slice(0, 5)) console.log(`         job ${m.job ?? "–"} (ordinal ${m.ordinal ?? "–"}): ${m.what}: expected ${m.expected}, got ${m.got}`);
  }
  process.exit(0);
}

// ---- the soak
const plan = soakFaultPlan({ hours: HOURS, seed: SEED, corruptP: Number(a["corrupt-p"]), loseP: Number(a["lose-p"]), perHour: Number(a["faults-per-hour"]) });
const sampleBoardS = 60 * Number(a["sample-min"] ?? Math.max(1, Math.min(10, Math.round((HOURS * 60) / 12))));
const jobs = jobsFor(HOURS);
console.log(`soak: ${HOURS} h of board time requested (${a.scenario} fleet, ${jobs} jobs, seed ${SEED}) at ${SPEED}× real time, live on ptys`);
console.log(
  `faults: corrupted frames p = ${a["corrupt-p"]}, lost 10 ms chunks p = ${a["lose-p"]}, ${plan.resets!.length / 2} reboots and ${plan.vanishes!.length / 2} unplugs ` +
    `(${UNPLUG_S[0]}–${UNPLUG_S[1]} board-s) of each board, board clock from 2^32 − ${(TWO32 - CLOCK_START_US) / 1e6} s`,
);
const t0 = performance.now();
const { r, cmp, windows } = await once(HOURS, SPEED, plan, sampleBoardS, true);
const wallMin = (performance.now() - t0) / 60000;
const boardS = r.sim.simUs / 1e6;
const wraps = Math.floor((CLOCK_START_US + r.sim.simUs) / TWO32);
const k = keptUp(r, { ...cmp, mismatches: [] }, SPEED);
const cpu = cpuOf(r);
const trend = memoryTrend(r.samples);
const steady = r.samples.slice(Math.floor(r.samples.length / 2));
const max = (f: (s: (typeof r.samples)[number]) => number) => Math.max(...r.samples.map(f));
console.log(`\nran ${fmtH(boardS)} of board time in ${wallMin.toFixed(1)} min wall (simulator achieved ${k.achieved.toFixed(1)}×); clock wraps crossed: ${wraps}`);
console.log(`pty link: ${r.sim.linkDropped} chunks not delivered (to an unplugged board, or pty overflow: --probe runs without unplugs); ${r.sim.lostChunks} chunks lost on purpose; ${r.sim.vanished} unplugs; simulator CPU ${pct(r.sim.cpuS / r.sim.wallS)} of one core`);

console.log(`\nmemory (controller process), second half (${trend.n} samples from ${fmtH(trend.from)}): RSS ${trend.rss >= 0 ? "+" : ""}${trend.rss.toFixed(2)} MB per board-hour, heapUsed ${trend.heap >= 0 ? "+" : ""}${trend.heap.toFixed(2)} MB per board-hour`);
const flat = Math.abs(trend.rss) <= 1 && Math.abs(trend.heap) <= 1;
// a slope over less than an hour is GC sawtooth and warm-up, not a trend
const judged = boardS - trend.from >= 3600;
const verdict = !judged ? "too short to judge (second half < 1 board-hour)" : flat ? "FLAT" : "NOT FLAT";
console.log(`  verdict: ${verdict} (flat = |slope| ≤ 1 MB per board-hour for both); RSS ${Math.min(...steady.map((s) => s.rssMb)).toFixed(0)}–${Math.max(...steady.map((s) => s.rssMb)).toFixed(0)} MB, heapUsed ${Math.min(...steady.map((s) => s.heapUsedMb)).toFixed(0)}–${Math.max(...steady.map((s) => s.heapUsedMb)).toFixed(0)} MB over the second half`);
console.log(`event-loop delay: p99 ≤ ${max((s) => s.eldP99Ms).toFixed(1)} ms in every sample, max ${max((s) => s.eldMaxMs).toFixed(1)} ms; revolution latency p99 ≤ ${max((s) => (Number.isNaN(s.latencyP99Ms) ? 0 : s.latencyP99Ms)).toFixed(1)} ms`);
console.log(`CPU: ${cpu.totalS.toFixed(1)} s for ${fmtH(boardS)} = ${(cpu.perBoardS * 1000).toFixed(2)} ms per board-second, ${pct(cpu.ofCore)} of one core at ${SPEED}× (at real time the serial reads are smaller and cost more per byte: bench:replay measures that)`);

const last = r.final;
console.log(`features: ${last.featureRevs} revolutions measured, ${last.featureDropped} dropped (not continuous on both boards: faults, or samples overwritten before the revolution was measured), ${last.featureLostSamples} samples lost behind a channel`);
console.log(`\nframes per board (decoder counters, boards status line):`);
for (const b of ["vib", "run"] as const) {
  const d = r.drops[b];
  const j = r.jobFrames[b];
  if (!d) console.log(`  ${b}: no status line seen`);
  else {
    const reasons = Object.entries(d.byReason).map(([x, n]) => `${x} ${n}`).join(", ") || "none";
    console.log(`  ${b}: ${d.framesOk} ok, ${d.dropped} dropped (${reasons}), ${d.lostFrames} lost in ${d.gaps} seq gaps, ${d.resets} reboots seen, ${d.reconnects} reconnects; within jobs (job log): ${j.dropped ?? 0} dropped, ${j.lostFrames ?? 0} lost`);
  }
}
const lostEv = r.boardEvents.filter((e) => e.kind === "lost");
const unplanned = windows.filter((w) => w.kind === "lost");
const outs = windows.filter((w) => w.kind === "unplug").map((w) => (w.toSimUs - w.fromSimUs) / 1e6);
console.log(`board losses seen by the controller: ${lostEv.length} (${unplanned.length} not planned${unplanned.length ? ": " + unplanned.map((w) => `${w.board} at ${fmtH(w.fromSimUs / 1e6)}`).join(", ") : ""}); unplug → board back: ${outs.length ? `${Math.min(...outs).toFixed(1)}–${Math.max(...outs).toFixed(1)} board-s` : "–"} (the unplugs last ${UNPLUG_S[0]}–${UNPLUG_S[1]} board-s; reconnecting takes wall time, ×${SPEED} in board time)`);
if (r.trouble.length) console.log(`trouble:\n${r.trouble.map((t) => `  ${t}`).join("\n")}`);

console.log(`\njob log vs the simulator's truth:`);
console.log(`  simulated ${cmp.truthJobs} jobs, logged ${cmp.loggedJobs} (${cmp.got.complete} complete, ${cmp.got.interrupted} interrupted), matched ${cmp.matched}`);
console.log(`  expected: ${cmp.expected.complete} complete, ${cmp.expected.interrupted} interrupted (${cmp.expected.interruptedByFault} by a fault, the rest aborted by the lathe), ${cmp.expected.notJudged} not judged (a board away at the job's start)`);
for (const n of cmp.notJudged) console.log(`    not judged: job ${n.job}: ${n.why} → ${n.got}`);
if (cmp.ordinalOffsets.length) console.log(`  ordinal offset (simulator − controller) changes: ${cmp.ordinalOffsets.map((o) => `from job ${o.fromJob}: ${o.offset}`).join(", ")}`);
for (const x of cmp.restarts) console.log(`    restarted: job ${x.job} logged again as ordinal ${x.ordinal} (${x.got}): the RUN board came back during its measure, and an unknown state → measure starts a job`);
const d = cmp.revolutionDeficit;
console.log(`  revolutions missing in jobs no board fault touched (logged measure + cut + check vs the truth's): ${d.revs} in ${d.jobs} jobs; of those in jobs whose line had no damage (no dropped frame or seq gap): ${d.clean.revs} in ${d.clean.jobs} jobs`);
console.log(`  mismatches: ${cmp.mismatches.length}`);
for (const m of cmp.mismatches) console.log(`    job ${m.job ?? "–"} (ordinal ${m.ordinal ?? "–"}): ${m.what}: expected ${m.expected}, got ${m.got}${m.faults ? ` [faults: ${m.faults}]` : ""}`);

const cmd = `npm run bench:soak -- --hours ${HOURS} --speed ${SPEED} --seed ${SEED}`;
console.log(`\n---- summary (${cmd}; ${new Date().toISOString().slice(0, 10)})`);
console.log(`| figure | measured |`);
console.log(`|---|---|`);
console.log(`| board time, speed, wall | ${fmtH(boardS)} (${cmp.truthJobs} jobs, mixed fleet) at ${SPEED}× in ${wallMin.toFixed(1)} min; ${r.sim.linkDropped} chunks not delivered (unplugged or overflow) |`);
console.log(`| faults | ${windows.filter((w) => w.kind === "reset").length} reboots, ${r.sim.vanished} unplugs, ${wraps} clock wraps, corrupted frames p ${a["corrupt-p"]}, lost chunks ${r.sim.lostChunks} |`);
console.log(`| frames dropped (vib / run) | ${["vib", "run"].map((b) => { const d = r.drops[b as "vib" | "run"]; return d ? `${d.dropped} (${Object.entries(d.byReason).map(([x, n]) => `${x} ${n}`).join(", ") || "none"}), ${d.lostFrames} lost` : "?"; }).join(" / ")} |`);
console.log(`| RSS / heapUsed, second half | ${Math.min(...steady.map((s) => s.rssMb)).toFixed(0)}–${Math.max(...steady.map((s) => s.rssMb)).toFixed(0)} MB / ${Math.min(...steady.map((s) => s.heapUsedMb)).toFixed(0)}–${Math.max(...steady.map((s) => s.heapUsedMb)).toFixed(0)} MB; slope ${trend.rss.toFixed(2)} / ${trend.heap.toFixed(2)} MB per board-hour (${!judged ? "too short to judge" : flat ? "flat" : "NOT flat"}) |`);
console.log(`| event-loop delay | p99 ≤ ${max((s) => s.eldP99Ms).toFixed(1)} ms per sample, max ${max((s) => s.eldMaxMs).toFixed(1)} ms |`);
console.log(`| CPU | ${(cpu.perBoardS * 1000).toFixed(2)} ms per board-second (${pct(cpu.ofCore)} of one core at ${SPEED}×) |`);
console.log(`| jobs | ${cmp.loggedJobs} logged of ${cmp.truthJobs}: ${cmp.got.complete} complete, ${cmp.got.interrupted} interrupted; expected ${cmp.expected.complete} / ${cmp.expected.interrupted}, ${cmp.expected.notJudged} not judged |`);
const kinds = new Map<string, number>();
for (const m of cmp.mismatches) {
  const k = `${m.what}${/loose adapter/.test(m.faults) ? " (loose adapter)" : ""}`;
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
}
console.log(`| job log vs truth | ${cmp.mismatches.length} mismatches (${[...kinds].map(([w, n]) => `${w}: ${n}`).join(", ") || "none"}); ${cmp.restarts.length} restarts after a RUN board came back in a measure; revolutions missing in untouched jobs ${d.revs} (${d.clean.revs} on a clean line) |`);
process.exit(0);
