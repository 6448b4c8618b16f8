// The online model and the learners on synthetic job streams: cold start, test-then-train,
// poisoned-label rollback, drift, model files with their normalisation statistics.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INPUT_INDEX, INPUT_NAMES, JUDDER_INPUTS } from "../../src/learn/job-inputs.ts";
import { OnlineModel, type RollbackReport } from "../../src/learn/online-model.ts";
import { CutQualityLearner, JudderLearner, judderModelOptions } from "../../src/learn/learners.ts";
import { loadIfPresent, loadOnlineModel, saveOnlineModel } from "../../src/learn/model-store.ts";
import { judderP } from "../../src/controller/rules.ts";
import { judderTarget } from "../../src/learn/targets.ts";
import { syntheticJobs } from "./support/synthetic.ts";

const dir = mkdtempSync(join(tmpdir(), "edgeprop-learn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const accuracy = (ps: number[], ys: number[]) => ps.filter((p, i) => (p >= 0.5 ? 1 : 0) === ys[i]).length / ps.length;

/** Test-then-train over jobs; labels may be replaced (poison). Returns p before each label. */
function prequential(model: OnlineModel, jobs: ReturnType<typeof syntheticJobs>, label: (j: number) => number): number[] {
  const ps: number[] = [];
  jobs.forEach((job, j) => {
    model.observe(job.x);
    ps.push(model.predict(job.x));
    model.learn(job.x, label(j));
  });
  return ps;
}

describe("cold start", () => {
  it("judder: the rule (source 'rule', p from LRO) until minLabels labels, then the network with its version", () => {
    const jobs = syntheticJobs(12, 3);
    const learner = new JudderLearner({ minLabels: 5 });
    jobs.forEach((job, k) => {
      const e = learner.estimate(job.x, job.x[0]);
      if (k < 5) {
        expect(e.source).toBe("rule");
        expect(e.modelVersion).toBeNull();
        expect(e.p).toBeCloseTo(judderP(job.x[0])!, 12);
      } else {
        expect(e.source).toBe("model");
        expect(e.modelVersion).toBe(`judder-v${k}`);
        expect(e.p).toBe(e.modelP);
      }
      learner.learn(job.x, { judder: job.label === 1, dtvUm: null, raUm: null }, job.x[0]);
    });
    expect(learner.estimate(jobs[0].x, null).p).not.toBeNull();
    expect(new JudderLearner().estimate(jobs[0].x, null)).toMatchObject({ p: null, source: "rule" });
  });

  it("cut quality: rule residual (the last cut revolutions' LRO) and no Ra until each network has its labels", () => {
    const jobs = syntheticJobs(3, 4);
    const learner = new CutQualityLearner({ minLabels: 2 });
    const e = learner.estimate(jobs[0].x);
    expect(e).toMatchObject({ lroPostUm: jobs[0].x[INPUT_INDEX.c_lro_rule], raUm: null, source: "rule", modelVersion: null });
    learner.learn(jobs[0].x, { judder: null, dtvUm: null, raUm: 0.8 }, 5);
    learner.learn(jobs[1].x, { judder: null, dtvUm: null, raUm: 0.9 }, 6);
    const after = learner.estimate(jobs[2].x);
    expect(after.raUm).not.toBeNull();
    expect(after.modelVersion).toMatch(/\+ra-v2$/);
  });

  it("judder target: the label, else the datasheet's measured definition from dtvUm (≥ 15 µm) or LRO (≥ 50 µm), else none", () => {
    expect(judderTarget({ judder: false, dtvUm: 30, raUm: null }, 80)).toBe(0);
    expect(judderTarget({ judder: null, dtvUm: 15, raUm: null }, 10)).toBe(1);
    expect(judderTarget({ judder: null, dtvUm: 14, raUm: null }, 49.9)).toBe(0);
    expect(judderTarget({ judder: null, dtvUm: 3, raUm: null }, 50)).toBe(1);
    expect(judderTarget({ judder: null, dtvUm: null, raUm: 1 }, 80)).toBeNaN();
    expect(judderTarget(null, 80)).toBeNaN();
  });
});

describe("test, then train", () => {
  it("a prediction is made before its label is learned: learning the label first would change it", () => {
    const jobs = syntheticJobs(80, 5);
    const a = new OnlineModel(judderModelOptions({ seed: 2 }));
    const ps = prequential(a, jobs, (j) => jobs[j].label);
    // Replaying the same order with a twin model gives the same predictions (deterministic) ...
    const twin = new OnlineModel(judderModelOptions({ seed: 2 }));
    expect(prequential(twin, jobs, (j) => jobs[j].label)).toEqual(ps);
    // ... while a model that saw each label before predicting would have said something else.
    const cheat = new OnlineModel(judderModelOptions({ seed: 2 }));
    const leaked = jobs.map((job) => {
      cheat.observe(job.x);
      cheat.learn(job.x, job.label);
      return cheat.predict(job.x);
    });
    expect(leaked.some((p, j) => Math.abs(p - ps[j]) > 1e-3)).toBe(true);
    expect(a.version).toBe(80);
  });
});

describe("rollback", () => {
  it("a burst of flipped labels triggers a rollback and accuracy comes back; without the guard the burst does more harm", () => {
    const jobs = syntheticJobs(420, 7, { noise: 0.03 });
    const flipped = (j: number) => (j >= 200 && j < 230 ? 1 - jobs[j].label : jobs[j].label);
    const reports: RollbackReport[] = [];
    const guarded = new OnlineModel(judderModelOptions({ seed: 3 }));
    guarded.onRollback = (r) => reports.push(r);
    const ps = prequential(guarded, jobs, flipped);
    const unguarded = new OnlineModel(judderModelOptions({ seed: 3, rollback: false }));
    const qs = prequential(unguarded, jobs, flipped);
    const truth = jobs.map((j) => j.truth);
    const acc = (p: number[], from: number, to: number) => accuracy(p.slice(from, to), truth.slice(from, to));
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports[0]).toMatchObject({ kind: "judder" });
    expect(reports[0].to).toBeLessThan(reports[0].from);
    expect(reports[0].to).toBeLessThanOrEqual(200);
    expect(reports[0].anchorError).toBeGreaterThan(2 * reports[0].baseline);
    const before = acc(ps, 100, 200);
    expect(before).toBeGreaterThan(0.8);
    expect(acc(ps, 260, 420)).toBeGreaterThanOrEqual(before - 0.05);
    expect(acc(ps, 200, 260)).toBeGreaterThan(acc(qs, 200, 260));
  });

  it("clean labels trigger no rollback", () => {
    const jobs = syntheticJobs(300, 8);
    const m = new OnlineModel(judderModelOptions({ seed: 4 }));
    prequential(m, jobs, (j) => jobs[j].label);
    expect(m.rollbacks).toBe(0);
  });
});

describe("drift", () => {
  it("after the population shifts, accuracy comes back without a reset (and beats a model frozen before the shift)", () => {
    const jobs = syntheticJobs(500, 9, { shiftAt: 250 });
    const m = new OnlineModel(judderModelOptions({ seed: 5 }));
    const truth = jobs.map((j) => j.truth);
    const ps: number[] = [];
    const frozen: number[] = [];
    let snapshot: OnlineModel | null = null;
    jobs.forEach((job, j) => {
      if (j === 250) {
        saveOnlineModel(m, join(dir, "frozen.epnn"));
        snapshot = loadOnlineModel(join(dir, "frozen.epnn"), judderModelOptions({ seed: 5 }));
      }
      m.observe(job.x);
      ps.push(m.predict(job.x));
      if (snapshot) frozen.push(snapshot.predict(job.x));
      m.learn(job.x, job.label);
    });
    const before = accuracy(ps.slice(100, 250), truth.slice(100, 250));
    const after = accuracy(ps.slice(350, 500), truth.slice(350, 500));
    expect(after).toBeGreaterThanOrEqual(before - 0.03);
    expect(after).toBeGreaterThan(accuracy(frozen.slice(100, 250), truth.slice(350, 500)));
  });
});

describe("model files", () => {
  it("weights, optimizer, normalisation statistics, replay buffer and version survive save → load", () => {
    const jobs = syntheticJobs(60, 10);
    const m = new OnlineModel({ kind: "residual-runout", inputs: INPUT_NAMES, task: "regression", seed: 6 });
    for (const job of jobs) {
      m.observe(job.x);
      m.learn(job.x, job.x[0] / 10);
    }
    const file = join(dir, "residual.epnn");
    saveOnlineModel(m, file);
    const back = loadOnlineModel(file, { kind: "residual-runout", inputs: INPUT_NAMES, task: "regression", seed: 6 });
    expect(Array.from(back.norm.mean)).toEqual(Array.from(m.norm.mean));
    expect(Array.from(back.norm.m2)).toEqual(Array.from(m.norm.m2));
    expect(Array.from(back.norm.count)).toEqual(Array.from(m.norm.count));
    expect(back.targetNorm.mean[0]).toBe(m.targetNorm.mean[0]);
    expect(back.version).toBe(60);
    expect(back.labels).toBe(60);
    for (const job of jobs.slice(0, 5)) expect(back.predict(job.x)).toBe(m.predict(job.x));
    // Continuing to learn gives the same model as the original continuing (buffer and optimizer kept).
    const next = syntheticJobs(5, 11);
    for (const job of next) {
      m.learn(job.x, 3);
      back.learn(job.x, 3);
    }
    expect(back.predict(next[0].x)).toBeCloseTo(m.predict(next[0].x), 12);
  });

  it("a file of another kind or another input layout is refused with a message naming the file", () => {
    const m = new OnlineModel(judderModelOptions());
    const file = join(dir, "judder.epnn");
    saveOnlineModel(m, file);
    expect(() => loadOnlineModel(file, { kind: "ra", inputs: INPUT_NAMES, task: "regression" })).toThrow(/judder\.epnn: holds a 'judder' model, expected 'ra'/);
    expect(() => loadOnlineModel(file, { ...judderModelOptions(), inputs: INPUT_NAMES.slice(1) })).toThrow(/judder\.epnn: .*input names differ/);
  });

  it("a file of the layout before the phase-coherent inputs is refused and the controller starts a new model", () => {
    const old = INPUT_NAMES.filter((n) => !/^(co_|p_)/.test(n) && n !== "c_y_high" && n !== "c_wavy");
    expect(old.length).toBeLessThan(INPUT_NAMES.length);
    const sub = join(dir, "old-layout");
    mkdirSync(sub, { recursive: true });
    saveOnlineModel(new OnlineModel({ kind: "judder", inputs: old, task: "binary" }), join(sub, "judder.epnn"));
    const errors: string[] = [];
    expect(loadIfPresent(sub, judderModelOptions(), (m) => errors.push(m))).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/old-layout\/judder\.epnn: .*input names differ .*feature layout changed.*starting a new judder model/);
  });

  it("the network reads only its selected inputs, and a file with another selection is refused", () => {
    const m = new OnlineModel(judderModelOptions({ seed: 2 }));
    expect(m.used).toEqual(JUDDER_INPUTS);
    const jobs = syntheticJobs(40, 12);
    for (const job of jobs) {
      m.observe(job.x);
      m.learn(job.x, job.label);
    }
    const x = Float64Array.from(jobs[0].x);
    const p = m.predict(x);
    const other = INPUT_NAMES.findIndex((n) => !JUDDER_INPUTS.includes(n));
    x[other] += 1000;
    expect(m.predict(x)).toBe(p);
    x[INPUT_INDEX[JUDDER_INPUTS[0]]] += 50;
    expect(m.predict(x)).not.toBe(p);
    const file = join(dir, "judder-use.epnn");
    saveOnlineModel(m, file);
    expect(loadOnlineModel(file, judderModelOptions({ seed: 2 })).predict(jobs[1].x)).toBe(m.predict(jobs[1].x));
    // Same number of inputs, one of them another: the parameters would fit, the selection does not.
    const swapped = [...JUDDER_INPUTS.slice(0, -1), INPUT_NAMES[other]];
    expect(() => loadOnlineModel(file, judderModelOptions({ use: swapped }))).toThrow(/input selection changed/);
    expect(() => new OnlineModel(judderModelOptions({ use: ["no-such-input"] }))).toThrow(/'no-such-input' is not in the input layout/);
  });
});
