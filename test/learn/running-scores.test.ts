// The learners' running prequential scores: the newest `window` scored labels, the metrics of
// src/learn/metrics.ts over them, labels without an issued estimate counted but not scored.
import { describe, expect, it } from "vitest";
import { IssuedEstimates, RunningJudderScores, RunningMae } from "../../src/learn/running-scores.ts";
import { auc, binaryScores } from "../../src/learn/metrics.ts";

describe("running scores", () => {
  it("judder: AUC, accuracy and F1 over the newest window; null estimates counted, not scored", () => {
    const s = new RunningJudderScores(0.5, 4);
    expect(s.scores()).toEqual({ n: 0, labels: 0, auc: null, accuracy: null, f1: null });
    const pairs: [number | null, number][] = [[0.9, 0], [0.2, 1], [null, 1], [0.8, 1], [0.3, 0], [0.6, 0], [0.7, 1]];
    for (const [p, t] of pairs) s.add(p, t);
    const kept = pairs.filter(([p]) => p !== null).slice(-4);
    const ps = kept.map(([p]) => p!);
    const ts = kept.map(([, t]) => t);
    const b = binaryScores(ps, ts, 0.5);
    expect(s.scores()).toEqual({ n: 4, labels: 7, auc: Math.round(auc(ps, ts) * 1e4) / 1e4, accuracy: b.accuracy, f1: Math.round(b.f1 * 1e4) / 1e4 });
    // the window holds (0.8,1) (0.3,0) (0.6,0) (0.7,1): every positive above every negative; all six
    // scored pairs would give 4 of 9 ordered
    expect(s.scores().auc).toBe(1);
    expect(s.scores().accuracy).toBe(0.75);
  });

  it("regressions: MAE of the newest window", () => {
    const m = new RunningMae(2);
    m.add(10, 7);
    m.add(null, 3);
    m.add(5, 6);
    m.add(2, 4);
    expect(m.scores()).toEqual({ n: 2, labels: 4, mae: 1.5 });
  });

  it("issued estimates are found by ordinal or, once linked, by record id; the oldest go first", () => {
    const e = new IssuedEstimates(2);
    e.set(1, 0.4);
    e.link(1, "job-1");
    e.set(2, null);
    e.set(3, 0.9);
    expect([e.get(1), e.get(null, "job-1"), e.get(2), e.get(3), e.get(null, "nope")]).toEqual([null, null, null, 0.9, null]);
    e.link(3, "job-3");
    expect(e.get(null, "job-3")).toBe(0.9);
  });
});
