// The simulator: a world, two boards, a fleet of jobs, faults; produces the boards' bytes block by
// block in time order, with truth and labels as each job ends. Nothing is held but the current
// block, so a 600-job fleet streams in constant memory (apart from the truth lists, if kept).
//
//   const sim = new Simulator({ scenario: "mixed", jobs: 10, seed: 7 });
//   for (const chunk of sim.chunks()) write(chunk.board, chunk.bytes);
//   sim.jobs      // JobTruth[] of finished jobs (with .label and .labelBasis)
//
// Links that talk to a host call sim.step() themselves and sim.receive(board, bytes) with what the
// host wrote; replies go out in the next block.

import { VibBoard } from "./boards/vib-board.ts";
import { RunBoard } from "./boards/run-board.ts";
import type { Board } from "./boards/board.ts";
import { checkFaultPlan, type BoardName, type FaultPlan } from "./faults.ts";
import { makeLabel, type Label, type LabelBasis } from "./labels.ts";
import { mixSeed, Rng } from "./random.ts";
import { Fleet, getScenario, type Scenario } from "./scenarios.ts";
import type { JobTruth, RevolutionTruth } from "./truth.ts";
import { World } from "./world.ts";

export interface SimOptions {
  /** Scenario name (see scenarios.ts) or object; default "good". */
  scenario?: string | Scenario;
  /** Number of jobs; default the scenario's defaultJobs. */
  jobs?: number;
  /** Seed of everything; default 1. Same options and seed → identical bytes. */
  seed?: number;
  /** Board time per produced block, ms (a multiple of 0.5: the world's step); default 10. */
  blockMs?: number;
  /** Board clock (u32 µs) at power-up; near 2^32 to test the wrap; default 0. */
  clockStartUs?: number;
  faults?: FaultPlan;
  /** A real-length (~4 min) cut instead of a compressed one; default false. */
  realLengthCut?: boolean;
  /** Override the scenario's abort / re-cut probabilities. */
  abortP?: number;
  recutP?: number;
  /** Keep every RevolutionTruth in sim.revolutions; default true. */
  keepRevolutions?: boolean;
}

export interface SimChunk {
  board: BoardName;
  /** Bytes as they leave the board (COBS frames with their 0x00), possibly damaged by faults. */
  bytes: Uint8Array;
  /** Simulation µs at the end of the block (monotonic, never wraps): use it to pace output. */
  simUs: number;
  /** The boards' clock at the end of the block (u32, as sent; wraps). */
  boardTimeUs: number;
}

export type FinishedJob = JobTruth & { label: Label; labelBasis: LabelBasis };

export class Simulator {
  readonly scenario: Scenario;
  readonly world: World;
  readonly vib: VibBoard;
  readonly run: RunBoard;
  readonly jobs: FinishedJob[] = [];
  readonly revolutions: RevolutionTruth[] = [];
  readonly stats = { lostChunks: 0, blocks: 0, bytes: { vib: 0, run: 0 } };
  /** Called as soon as a job ends (its truth and label) / a revolution closes. */
  onJob: ((job: FinishedJob) => void) | null = null;
  onRevolution: ((rev: RevolutionTruth) => void) | null = null;
  private readonly faults: FaultPlan;
  /** The fault plan in force (links read the link-level faults, e.g. vanishes). */
  get faultPlan(): FaultPlan {
    return this.faults;
  }
  private readonly lineRng: Rng;
  private readonly labelRng: Rng;
  private readonly keepRevs: boolean;
  readonly clockStartUs: number;

  constructor(opts: SimOptions = {}) {
    const seed = opts.seed ?? 1;
    this.scenario = typeof opts.scenario === "object" ? opts.scenario : getScenario(opts.scenario ?? "good");
    const jobs = opts.jobs ?? this.scenario.defaultJobs;
    if (!Number.isInteger(jobs) || jobs < 0) throw new RangeError(`sim: jobs must be a whole number ≥ 0, got ${jobs}`);
    const blockUs = Math.round((opts.blockMs ?? 10) * 1000);
    this.clockStartUs = opts.clockStartUs ?? 0;
    if (!Number.isInteger(this.clockStartUs) || this.clockStartUs < 0 || this.clockStartUs > 0xffffffff) {
      throw new RangeError(`sim: clockStartUs must be a u32, got ${opts.clockStartUs}`);
    }
    this.faults = opts.faults ?? {};
    checkFaultPlan(this.faults);
    this.keepRevs = opts.keepRevolutions ?? true;
    const planOverrides = {
      ...(opts.realLengthCut ? { realLengthCut: true } : {}),
      ...(opts.abortP !== undefined ? { abortP: opts.abortP } : {}),
      ...(opts.recutP !== undefined ? { recutP: opts.recutP } : {}),
    };
    const fleet = new Fleet(this.scenario, jobs, seed, planOverrides);
    this.world = new World(blockUs, seed, (n) => fleet.next(n));
    this.lineRng = new Rng(mixSeed(seed, 0x11e));
    this.labelRng = new Rng(mixSeed(seed, 0x1abe1));
    const serial = mixSeed(seed, 0x5e41) % 1_000_000;
    this.vib = new VibBoard(100_000 + serial, this.clockStartUs, this.faults, new Rng(mixSeed(seed, 0x71b)), new Rng(mixSeed(seed, 0x71c)));
    this.run = new RunBoard(200_000 + serial, this.clockStartUs, this.faults, new Rng(mixSeed(seed, 0x2a1)), new Rng(mixSeed(seed, 0x2a2)));
  }

  get done(): boolean {
    return this.world.done;
  }

  /** Simulation µs produced so far (end of the last block). */
  get simUs(): number {
    return this.world.t0 + (this.stats.blocks > 0 ? this.world.blockUs : 0);
  }

  board(name: BoardName): Board {
    return name === "vib" ? this.vib : this.run;
  }

  /** Bytes the host wrote to a board (commands); answered in the next block. */
  receive(board: BoardName, bytes: Uint8Array): void {
    this.board(board).receive(bytes);
  }

  /** Produces the next block: up to one chunk per board (none for a silent board). [] when done. */
  step(): SimChunk[] {
    if (this.world.done) return [];
    this.world.advance();
    this.stats.blocks++;
    const out: SimChunk[] = [];
    const simUs = this.world.t0 + this.world.blockUs;
    for (const b of [this.vib, this.run]) {
      const bytes = b.render(this.world);
      if (bytes.length === 0) continue;
      if (this.loses(b.name)) {
        this.stats.lostChunks++;
        continue;
      }
      this.stats.bytes[b.name] += bytes.length;
      out.push({ board: b.name, bytes, simUs, boardTimeUs: b.boardUs(simUs) });
    }
    for (const r of this.world.revolutions) {
      r.startMarkUs = this.run.boardUs(r.startSimUs);
      r.endMarkUs = this.run.boardUs(r.endSimUs);
      if (this.keepRevs) this.revolutions.push(r);
      this.onRevolution?.(r);
    }
    for (const t of this.world.finishedJobs) {
      t.boardStartUs = this.run.boardUs(t.startSimUs);
      const job = this.world.jobs[this.world.steps];
      const { label, basis } = makeLabel(job && job.ordinal === t.job ? job : this.lookupJob(t.job), t, this.labelRng);
      const finished: FinishedJob = { ...t, label, labelBasis: basis };
      this.jobs.push(finished);
      this.onJob?.(finished);
    }
    return out;
  }

  private lookupJob(ordinal: number) {
    for (const j of this.world.jobs) if (j && j.ordinal === ordinal) return j;
    throw new Error(`sim: job ${ordinal} is no longer in the world`);
  }

  private loses(board: BoardName): boolean {
    const p = this.faults.loseChunkP ?? 0;
    if (p <= 0) return false;
    if (this.faults.lineBoards && !this.faults.lineBoards.includes(board)) return false;
    return this.lineRng.next() < p;
  }

  /** All chunks in time order until the last job's tail. */
  *chunks(): Generator<SimChunk> {
    while (!this.world.done) yield* this.step();
  }
}
