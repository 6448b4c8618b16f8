// Runs a simulator scenario through the real decoders and computes, per job and phase, what the
// controller would: per-revolution VIB features summarised over the phase, the phase's synchronous
// average of each axis, and the runout wander from the RUN probe. Revolution bounds and phases come
// from the simulator's truth (the job tracker is not under test here).
import { Simulator } from "../../../firmware-sim/index.ts";
import type { RevolutionTruth } from "../../../firmware-sim/index.ts";
import { StreamDecoder } from "../../../src/protocol/index.ts";
import { AngleGrid } from "../../../src/dsp/angle-grid.ts";
import { FeatureSummary, SummaryStat } from "../../../src/dsp/feature-summary.ts";
import { RunoutFit } from "../../../src/dsp/runout.ts";
import { RunoutWander, WanderResult } from "../../../src/dsp/runout-wander.ts";
import { SyncAverage } from "../../../src/dsp/sync-average.ts";
import { VibFeatures } from "../../../src/dsp/vib-features.ts";

export const PHASES = { measure: 1, cut: 2, check: 3 } as const;
export type PhaseName = keyof typeof PHASES;

export interface PhaseResult {
  revolutions: number;
  /** Summary of the VIB features (FeatureSummary over VibFeatures.names). */
  summary: FeatureSummary;
  /** Synchronous average per axis (x, y, z), finished. */
  tsa: SyncAverage[];
  /** Median runout wander (order-1 phasor change, µm) over the phase's contiguous revolutions. */
  wanderMedianUm: number;
}

export interface JobResult {
  job: number;
  phases: Record<PhaseName, PhaseResult>;
}

/** Stat of a named feature in a phase summary. */
export function stat(p: PhaseResult, feature: string, s: keyof typeof SummaryStat): number {
  const i = p.summary.names.indexOf(`${feature}.${s.toLowerCase()}`);
  if (i < 0) throw new Error(`no summary for ${feature}.${s}`);
  return p.summary.summary[i];
}

export function runScenario(scenario: string, jobs: number, seed: number): JobResult[] {
  const sim = new Simulator({ scenario, jobs, seed, blockMs: 20 });
  const vib = new StreamDecoder({ ringCapacity: 65536, channels: 3 });
  const run = new StreamDecoder({ ringCapacity: 16384, channels: 1 });
  const features = new VibFeatures();
  const grid = features.angleGrid;
  const fit = new RunoutFit({ orders: 6 });
  const wander = new RunoutWander(6);
  const results: JobResult[] = [];
  let current: { job: number; phases: Record<PhaseName, { summary: FeatureSummary; tsa: SyncAverage[]; wander: number[] }> } | null = null;
  const pending: RevolutionTruth[] = [];
  sim.onRevolution = (r) => pending.push(r);

  const closeJob = () => {
    if (!current) return;
    const out = {} as Record<PhaseName, PhaseResult>;
    for (const name of Object.keys(PHASES) as PhaseName[]) {
      const p = current.phases[name];
      p.summary.finish();
      for (const t of p.tsa) t.finish();
      const w = [...p.wander].sort((a, b) => a - b);
      out[name] = { revolutions: p.summary.revolutions, summary: p.summary, tsa: p.tsa, wanderMedianUm: w.length ? w[w.length >> 1] : Number.NaN };
    }
    results.push({ job: current.job, phases: out });
    current = null;
  };
  const newPhase = (g: AngleGrid) => ({ summary: new FeatureSummary(features.names), tsa: [0, 1, 2].map(() => new SyncAverage(g)), wander: [] as number[] });

  const process = (r: RevolutionTruth) => {
    if (current && current.job !== r.job) closeJob();
    if (!current) current = { job: r.job, phases: { measure: newPhase(grid), cut: newPhase(grid), check: newPhase(grid) } };
    const period = r.endMarkUs - r.startMarkUs;
    features.setBoard(vib.rateHz || 3200, vib.lsb);
    features.begin(r.startMarkUs, period);
    features.add(vib.ring.timeUs, vib.ring.values, vib.ring.saturation, vib.ring.oldest(), vib.ring.written);
    features.finish();
    fit.begin(r.startMarkUs, period);
    fit.add(run.ring.timeUs, run.ring.values[0], run.ring.saturation, 1, run.ring.oldest(), run.ring.written, run.lsb);
    fit.finish();
    wander.update(fit, r.startMarkUs, period);
    const name = (Object.keys(PHASES) as PhaseName[]).find((k) => PHASES[k] === r.phase);
    if (!name) return;
    const p = current.phases[name];
    p.summary.add(features.features);
    for (let a = 0; a < 3; a++) p.tsa[a].add(features.grids[a]);
    const w = wander.result[WanderResult.ORDER1];
    if (w === w) p.wander.push(w);
  };

  while (!sim.done) {
    for (const c of sim.step()) (c.board === "vib" ? vib : run).push(c.bytes);
    const lastVib = vib.ring.written > 0 ? vib.ring.timeUs[(vib.ring.written - 1) % vib.ring.capacity] : -Infinity;
    const lastRun = run.ring.written > 0 ? run.ring.timeUs[(run.ring.written - 1) % run.ring.capacity] : -Infinity;
    while (pending.length > 0 && pending[0].endMarkUs < lastVib && pending[0].endMarkUs < lastRun) process(pending.shift()!);
  }
  for (const r of pending) process(r);
  closeJob();
  return results;
}
