// Named scenarios: what cars come in (a Population per job), how the tool tips are managed, and how
// often jobs are aborted or re-cut. A Fleet turns a scenario and a seed into the job sequence.

import type { Population } from "./physics/causes.ts";
import type { JobPlanOptions } from "./job-plan.ts";
import { Job } from "./job.ts";
import { mixSeed, Rng } from "./random.ts";

export interface Scenario {
  name: string;
  summary: string;
  defaultJobs: number;
  /** Population for job `index` (0-based) of `jobs`. */
  population(index: number, jobs: number): Population;
  /** Cuts already on the tips at the start; tips are changed after `tipLife` cuts (drawn per change). */
  tipStart: readonly [number, number];
  tipLife: readonly [number, number];
  plan: JobPlanOptions;
}

const base: Population = {
  lroUm: [8, 140],
  dtvUm: [1.5, 28],
  rustP: 0.3,
  rust: [0.2, 1],
  hardSpotP: 0.1,
  hardSpotSeverity: [0.3, 1],
  mountStiffness: [0.5, 1.8],
  looseAdapterP: 0.06,
  looseWanderUm: [3, 9],
  misalignmentUm: [20, 90],
  rpm: [120, 170],
};

const good: Population = { ...base, lroUm: [10, 35], dtvUm: [2, 8], rustP: 0.05, rust: [0.1, 0.3], hardSpotP: 0.02, mountStiffness: [0.9, 1.6], looseAdapterP: 0 };
/** Newer cars: stiffer mounts, little rust, discs mostly fine. */
const modern: Population = { ...base, lroUm: [8, 70], dtvUm: [1.5, 16], rustP: 0.1, mountStiffness: [0.9, 1.8], hardSpotP: 0.05 };
/** Older, rustier cars on softer mounts with worn, uneven discs. */
const older: Population = { ...base, lroUm: [20, 150], dtvUm: [5, 32], rustP: 0.65, rust: [0.4, 1], mountStiffness: [0.4, 1.0], hardSpotP: 0.25 };

const fixed = (p: Population) => () => p;
const freshTips = { tipStart: [0, 3] as const, tipLife: [6, 8] as const };
const shopTips = { tipStart: [0, 6] as const, tipLife: [5, 11] as const };

export const scenarios: Record<string, Scenario> = {
  good: { name: "good", summary: "good discs, fresh tips, stiff mounts", defaultJobs: 5, population: fixed(good), ...freshTips, plan: {} },
  warped: { name: "warped", summary: "warped discs: high lateral runout (70–150 µm)", defaultJobs: 5, population: fixed({ ...good, lroUm: [70, 150], dtvUm: [3, 10] }), ...freshTips, plan: {} },
  "dtv-judder": { name: "dtv-judder", summary: "thickness variation 15–30 µm (judder), runout modest", defaultJobs: 5, population: fixed({ ...good, lroUm: [15, 45], dtvUm: [15, 30] }), ...freshTips, plan: {} },
  rusty: { name: "rusty", summary: "rusty faces (rust lip, rough probe track)", defaultJobs: 5, population: fixed({ ...good, lroUm: [15, 60], dtvUm: [4, 14], rustP: 1, rust: [0.5, 1] }), ...freshTips, plan: {} },
  "worn-tips": { name: "worn-tips", summary: "tips far past their ~7 cuts: chatter, poor finish", defaultJobs: 5, population: fixed({ ...good, mountStiffness: [0.6, 1.2] }), tipStart: [8, 10], tipLife: [12, 13], plan: {} },
  "loose-adapter": { name: "loose-adapter", summary: "loose hub adapter: wandering runout, rattle", defaultJobs: 5, population: fixed({ ...good, looseAdapterP: 1, looseWanderUm: [4, 9] }), ...freshTips, plan: {} },
  "hard-spots": { name: "hard-spots", summary: "hard spots: once-per-rev impulses in the cut", defaultJobs: 5, population: fixed({ ...good, hardSpotP: 1, hardSpotSeverity: [0.5, 1] }), ...freshTips, plan: {} },
  mixed: { name: "mixed", summary: "a shop's mixed fleet, with aborted jobs and re-cuts", defaultJobs: 50, population: fixed(base), ...shopTips, plan: { abortP: 0.04, recutP: 0.06 } },
  "fleet-shift": {
    name: "fleet-shift",
    summary: "mixed fleet whose car population changes half way (modern → older, rusty, softer)",
    defaultJobs: 60,
    population: (i, n) => (i < Math.floor(n / 2) ? modern : older),
    ...shopTips,
    plan: { abortP: 0.04, recutP: 0.06 },
  },
};

export function scenarioNames(): string[] {
  return Object.keys(scenarios);
}

export function getScenario(name: string): Scenario {
  const s = scenarios[name];
  if (!s) throw new Error(`unknown scenario '${name}'; known: ${scenarioNames().join(", ")}`);
  return s;
}

/** The job sequence of a run: the tip counter carries over from job to job. */
export class Fleet {
  private readonly rng: Rng;
  private tipCuts: number;
  private tipLife: number;
  private made = 0;

  constructor(
    readonly scenario: Scenario,
    readonly jobs: number,
    private readonly seed: number,
    private readonly planOverrides: JobPlanOptions = {},
  ) {
    this.rng = new Rng(mixSeed(seed, 0xf1ee7));
    this.tipCuts = this.rng.int(scenario.tipStart[0], scenario.tipStart[1]);
    this.tipLife = this.rng.int(scenario.tipLife[0], scenario.tipLife[1]);
  }

  /** Job `ordinal` (1-based; called in order), or null after the last. */
  next(ordinal: number): Job | null {
    if (ordinal > this.jobs || ordinal !== this.made + 1) return null;
    this.made++;
    if (this.tipCuts >= this.tipLife) {
      this.tipCuts = 0;
      this.tipLife = this.rng.int(this.scenario.tipLife[0], this.scenario.tipLife[1]);
    }
    const job = new Job(ordinal, this.seed, this.scenario.population(ordinal - 1, this.jobs), this.tipCuts, {
      ...this.scenario.plan,
      ...this.planOverrides,
    });
    if (job.plan.aborted !== "measure") this.tipCuts += job.plan.recut ? 2 : 1;
    return job;
  }
}
