// One soak run: the simulator child serving ptys, the controller child on them, usage samples every
// `sampleBoardS` of board time, the boards' LOST / BACK events, and at the end the job log read back
// (read-only). Both children get an IPC channel; see bench/soak/sim-child.ts, controller-child.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { JobLog } from "../../src/store/index.ts";
import type { SimChildOptions } from "./sim-child.ts";
import type { Usage } from "./controller-child.ts";
import { parseStatusLine, type BoardDrops, type Sample } from "./report.ts";
import type { LoggedJob, TruthJob } from "./truth.ts";

/** The simulator child's options (scenario, jobs, seed, speed, clock, faults, folder for truth.jsonl and the job log), and: */
export interface RunOptions extends SimChildOptions {
  sampleBoardS: number;
  /** Status line interval of the boards plugin, wall ms (its drop counts by reason). */
  statusMs?: number;
  /** Called with each sample as it arrives (live table). */
  onSample?: (s: Sample) => void;
}

export interface SimDone {
  simUs: number;
  wallS: number;
  cpuS: number;
  linkDropped: number;
  vanished: number;
  lostChunks: number;
  bytes: { vib: number; run: number };
  jobs: number;
  rssMb: number;
}

export interface RunResult {
  truth: TruthJob[];
  logged: LoggedJob[];
  samples: Sample[];
  /** The controller's usage reply after the last record (its feature counters are the run's totals). */
  final: Usage;
  sim: SimDone;
  /** The controller's wall time for the whole stream, s (start → last record). */
  wallS: number;
  boardEvents: { kind: "lost" | "back"; board: "vib" | "run"; wallMs: number; simUs: number }[];
  drops: Partial<Record<"vib" | "run", BoardDrops>>;
  /** Non-zero host counters at the end (plugin failures, restarts, …) and channel readers that lost items. */
  trouble: string[];
  /** Summed per-job frame counters from the job log (framesOk, dropped, lostFrames, gaps, resets). */
  jobFrames: Record<"vib" | "run", Record<string, number>>;
}

type Msg = { type: string } & Record<string, unknown>;

function child(script: string, arg: unknown, stdout: "pipe" | "ignore"): ChildProcess {
  const file = fileURLToPath(new URL(script, import.meta.url));
  return spawn(process.execPath, ["--import", "tsx", file, JSON.stringify(arg)], { stdio: ["ignore", stdout, "pipe", "ipc"] });
}

function next(proc: ChildProcess, type: string, timeoutMs = 30_000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`soak: no '${type}' from a child within ${timeoutMs} ms`)), timeoutMs);
    const exit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`soak: child exited (${code}) while waiting for '${type}'`));
    };
    const on = (m: Msg) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      proc.off("message", on);
      proc.off("exit", exit);
      resolve(m);
    };
    proc.on("message", on);
    proc.once("exit", exit);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(o: RunOptions): Promise<RunResult> {
  const stderr: string[] = [];
  const keepErr = (who: string) => (d: Buffer) => {
    for (const l of d.toString().split("\n")) if (l.trim()) stderr.push(`${who}: ${l}`);
    if (stderr.length > 2000) stderr.splice(0, stderr.length - 2000);
  };
  const simOpts: SimChildOptions = { scenario: o.scenario, jobs: o.jobs, seed: o.seed, speed: o.speed, clockStartUs: o.clockStartUs, faults: o.faults, dir: o.dir };
  const sim = child("./sim-child.ts", simOpts, "ignore");
  sim.stderr!.on("data", keepErr("sim"));
  const ready = await next(sim, "ready");
  const links = ready.links as { vib: string; run: string };
  const ctl = child("./controller-child.ts", { links, dir: o.dir, statusMs: o.statusMs ?? 5000 }, "pipe");
  ctl.stderr!.on("data", keepErr("controller"));
  let lastStatus = "";
  let outBuf = "";
  ctl.stdout!.on("data", (d: Buffer) => {
    outBuf += d.toString();
    const lines = outBuf.split("\n");
    outBuf = lines.pop()!;
    for (const l of lines) if (/boards \d\/2/.test(l)) lastStatus = l;
  });
  try {
    await next(ctl, "started");
  } catch (err) {
    sim.kill();
    throw new Error(`${(err as Error).message}\n${stderr.slice(-20).join("\n")}`);
  }

  const truth: TruthJob[] = [];
  const progress: { wallMs: number; simUs: number }[] = [];
  const events: { kind: "lost" | "back"; board: "vib" | "run"; wallMs: number }[] = [];
  const samples: Sample[] = [];
  let nextSampleUs = o.sampleBoardS * 1e6;
  let lastSampleUs = 0;
  let asking = false;
  sim.on("message", (m: Msg) => {
    if (m.type === "job") truth.push(m.job as TruthJob);
    else if (m.type === "progress") {
      const p = { wallMs: m.wallMs as number, simUs: m.simUs as number };
      progress.push(p);
      if (p.simUs >= nextSampleUs && !asking) {
        asking = true;
        const at = p.simUs;
        nextSampleUs += o.sampleBoardS * 1e6 * Math.max(1, Math.floor((p.simUs - nextSampleUs) / (o.sampleBoardS * 1e6)) + 1);
        void next(ctl, "sample").then((u) => {
          const s: Sample = { ...(u as unknown as Usage), boardS: at / 1e6, spanBoardS: (at - lastSampleUs) / 1e6 };
          lastSampleUs = at;
          samples.push(s);
          o.onSample?.(s);
          asking = false;
        });
        ctl.send({ type: "sample" });
      }
    }
  });
  ctl.on("message", (m: Msg) => {
    if (m.type === "board") events.push({ kind: m.kind as "lost" | "back", board: m.board as "vib" | "run", wallMs: m.wallMs as number });
  });

  await sleep(300); // the controller opens and probes the ports; the power-up HELLO should find them open
  const t0 = performance.now();
  const simDone = next(sim, "done", 24 * 3600e3);
  sim.send({ type: "start" });
  const done = (await simDone) as unknown as SimDone & Msg;
  const streamEndMs = progress.at(-1)?.wallMs ?? Infinity;
  // the last jobs' records: until the record count holds still for 1.5 s (at most 15 s)
  let records = -1;
  let wallS = 0;
  let final: Usage | undefined;
  for (let i = 0; i < 30; i++) {
    await sleep(500);
    while (asking) await sleep(20);
    const reply = next(ctl, "sample");
    ctl.send({ type: "sample" });
    const u = (await reply) as unknown as Usage;
    final = u;
    if (u.records === records && i >= 3) break;
    if (u.records !== records) wallS = (performance.now() - t0) / 1000;
    records = u.records;
  }
  const stopped = next(ctl, "stopped");
  ctl.send({ type: "stop" });
  const end = await stopped;
  sim.send({ type: "stop" });
  await Promise.all([new Promise((r) => ctl.once("close", r)), new Promise((r) => sim.once("exit", r))]);
  if (/boards \d\/2/.test(outBuf)) lastStatus = outBuf;

  const simAt = (wallMs: number): number => {
    let lo = 0;
    let hi = progress.length - 1;
    if (hi < 0) return 0;
    if (wallMs <= progress[0].wallMs) return progress[0].simUs;
    if (wallMs >= progress[hi].wallMs) return progress[hi].simUs;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (progress[mid].wallMs <= wallMs) lo = mid;
      else hi = mid;
    }
    const a = progress[lo];
    const b = progress[hi];
    return a.simUs + ((wallMs - a.wallMs) / (b.wallMs - a.wallMs)) * (b.simUs - a.simUs);
  };

  const trouble: string[] = [];
  for (const m of end.metrics as { type: string; name: string; value?: number }[]) {
    if (m.name.startsWith("host:") && !m.name.startsWith("host:events.") && (m.value ?? 0) > 0) trouble.push(`${m.name} = ${m.value}`);
  }
  for (const c of end.channels as { name: string; rejected: number; readers: { plugin: string; dropped: number }[] }[]) {
    if (c.rejected > 0) trouble.push(`channel ${c.name}: ${c.rejected} writes rejected`);
    for (const r of c.readers) if (r.dropped > 0) trouble.push(`channel ${c.name}: reader ${r.plugin} lost ${r.dropped} items (fell behind)`);
  }
  for (const l of stderr) if (/error|fail|exception/i.test(l) && !/port lost|open-failed|cannot open/i.test(l)) trouble.push(l);

  const { logged, jobFrames } = readJobLog(join(o.dir, "job-log.sqlite"));
  return {
    truth,
    logged,
    samples,
    final: final!,
    sim: done,
    wallS,
    // after the last byte the boards fall silent and the controller reports them lost: not a fault of the run
    boardEvents: events.filter((e) => e.wallMs <= streamEndMs).map((e) => ({ ...e, simUs: simAt(e.wallMs) })),
    drops: parseStatusLine(lastStatus),
    trouble,
    jobFrames,
  };
}

function lineDamage(frames: string): number {
  const f = JSON.parse(frames || "{}") as Partial<Record<"vib" | "run", Record<string, number>>>;
  return (f.vib?.dropped ?? 0) + (f.vib?.gaps ?? 0) + (f.run?.dropped ?? 0) + (f.run?.gaps ?? 0);
}

/** The jobs of the log in log order, read-only, with the per-job frame counters summed per board. */
export function readJobLog(file: string): { logged: LoggedJob[]; jobFrames: RunResult["jobFrames"] } {
  const log = JobLog.open(file, { readonly: true });
  try {
    const rows = log.db
      .prepare(`SELECT ordinal, board_start_us, status, reason, passes, rpm, lro_pre_um, lro_post_um, rev_measure, rev_cut, rev_check, frames FROM jobs ORDER BY rowid`)
      .all() as { ordinal: number | null; board_start_us: number | null; status: string; reason: string | null; passes: number | null; rpm: number | null; lro_pre_um: number | null; lro_post_um: number | null; rev_measure: number | null; rev_cut: number | null; rev_check: number | null; frames: string }[];
    const jobFrames: RunResult["jobFrames"] = { vib: {}, run: {} };
    for (const r of rows) {
      const f = JSON.parse(r.frames || "{}") as Partial<Record<"vib" | "run", Record<string, number>>>;
      for (const b of ["vib", "run"] as const) for (const [k, v] of Object.entries(f[b] ?? {})) jobFrames[b][k] = (jobFrames[b][k] ?? 0) + v;
    }
    const logged = rows.map((r) => ({
      ordinal: r.ordinal,
      boardStartUs: r.board_start_us,
      status: r.status,
      reason: r.reason,
      passes: r.passes,
      rpm: r.rpm,
      lroPreUm: r.lro_pre_um,
      lroPostUm: r.lro_post_um,
      revs: r.rev_measure === null ? null : (r.rev_measure ?? 0) + (r.rev_cut ?? 0) + (r.rev_check ?? 0),
      lineDamage: lineDamage(r.frames),
    }));
    return { logged, jobFrames };
  } finally {
    log.close();
  }
}
