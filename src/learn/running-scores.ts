// The learners' running prequential scores, as the plugins publish them (src/learn/learner-status.ts)
// and register them with each model version: every label is scored against the estimate the
// controller issued for that job before the label was known (test, then train), over the newest
// `window` labels. Judder: AUC of p, and accuracy / F1 of the flag p ≥ threshold. Regressions
// (residual runout, Ra): mean absolute error, µm. A label for a job without an issued estimate
// (null: no LRO, or no Ra model yet) is counted in `labels` but not scored.
// Not a hot path: runs once per label (a job every few minutes), so it may allocate.
import { auc, binaryScores } from "./metrics.ts";

/** The issued estimate of the newest jobs, by ordinal or record id (labels may name either). */
export class IssuedEstimates {
  private readonly byOrdinal = new Map<number, number | null>();
  private readonly ordinalOf = new Map<string, number>();

  constructor(private readonly capacity = 256) {}

  set(ordinal: number, value: number | null): void {
    this.byOrdinal.delete(ordinal);
    this.byOrdinal.set(ordinal, value);
    if (this.byOrdinal.size > this.capacity) this.byOrdinal.delete(this.byOrdinal.keys().next().value!);
  }

  link(ordinal: number, id: string): void {
    this.ordinalOf.set(id, ordinal);
    if (this.ordinalOf.size > this.capacity) this.ordinalOf.delete(this.ordinalOf.keys().next().value!);
  }

  /** The estimate issued for the job (null: none issued, or the job is unknown). */
  get(ordinal: number | null, id: string | null = null): number | null {
    const o = ordinal ?? (id !== null ? this.ordinalOf.get(id) : undefined);
    return o === undefined ? null : (this.byOrdinal.get(o) ?? null);
  }
}

/** Newest `window` (estimate, target) pairs. */
class Pairs {
  readonly est: number[] = [];
  readonly target: number[] = [];
  labels = 0;
  constructor(private readonly window: number) {}

  add(estimate: number | null, target: number): void {
    this.labels++;
    if (estimate === null || !Number.isFinite(estimate) || !Number.isFinite(target)) return;
    this.est.push(estimate);
    this.target.push(target);
    if (this.est.length > this.window) {
      this.est.shift();
      this.target.shift();
    }
  }
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

export interface JudderScores {
  /** Labels scored (in the window) and seen (all time, this run). */
  n: number;
  labels: number;
  auc: number | null;
  accuracy: number | null;
  f1: number | null;
}

export class RunningJudderScores {
  private readonly pairs: Pairs;
  constructor(private readonly threshold: number, window = 200) {
    this.pairs = new Pairs(window);
  }

  /** p: the issued p(judder) of the job; target 0/1. */
  add(p: number | null, target: number): void {
    this.pairs.add(p, target);
  }

  scores(): JudderScores {
    const { est, target, labels } = this.pairs;
    const b = binaryScores(est, target, this.threshold);
    return { n: est.length, labels, auc: finite(auc(est, target)), accuracy: finite(b.accuracy), f1: est.length > 0 ? finite(b.f1) : null };
  }
}

export interface RegressionScores {
  n: number;
  labels: number;
  /** Mean absolute error, µm. */
  mae: number | null;
}

export class RunningMae {
  private readonly pairs: Pairs;
  constructor(window = 200) {
    this.pairs = new Pairs(window);
  }

  add(estimate: number | null, target: number): void {
    this.pairs.add(estimate, target);
  }

  scores(): RegressionScores {
    const { est, target, labels } = this.pairs;
    let sum = 0;
    for (let i = 0; i < est.length; i++) sum += Math.abs(est[i] - target[i]);
    return { n: est.length, labels, mae: est.length > 0 ? finite(sum / est.length) : null };
  }
}
