// Learners started from a prior model (src/learn/prior.ts): estimates marked source "prior" with the
// prior's version until the first own update; the shipped priors (models/prior/) load with the
// current input layout; a prior of another kind or input selection is refused with a clear error
// and the rule is used; the registry registers the prior as the parent of the first version; a
// learner fine-tunes a prior that fits the garage's labels with small steps, and adapts away (at the
// full rate) from a prior whose input→label relation no longer holds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CutQualityLearner, JudderLearner, judderModelOptions, raModelOptions } from "../../src/learn/learners.ts";
import { OnlineModel, type OnlineModelOptions } from "../../src/learn/online-model.ts";
import { loadOnlineModel, saveOnlineModel } from "../../src/learn/model-store.ts";
import { loadPrior, priorOrRule } from "../../src/learn/prior.ts";
import { JUDDER_INPUTS } from "../../src/learn/job-inputs.ts";
import { JobLog } from "../../src/store/index.ts";
import { evaluate } from "../../src/learn/evaluate.ts";
import { VersionTrack } from "../../src/learn/version-track.ts";
import { syntheticJobs, mulberry32 } from "./support/synthetic.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-prior-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const labelsOf = (y: number) => ({ judder: y === 1, dtvUm: null, raUm: null });

/** A judder prior trained on the synthetic stream, saved with a version name. */
function judderPrior(name: string, options = judderModelOptions({ seed: 5 })): string {
  const m = new OnlineModel(options);
  for (const job of syntheticJobs(120, 11)) {
    m.observe(job.x);
    m.learn(job.x, job.label);
  }
  m.origin = name;
  const file = join(root, `${name}.epnn`);
  saveOnlineModel(m, file);
  return file;
}

describe("prior models", () => {
  it("evaluate --frozen scores the prior as shipped: its own estimates on every job, nothing learned", () => {
    const file = judderPrior("prior-test-frozen");
    const jobs = syntheticJobs(80, 21);
    const samples = jobs.map((j, i) => ({ ordinal: i + 1, status: "complete" as const, inputs: Array.from(j.x), lroPreUm: j.x[0], lroPostUm: 1, labels: labelsOf(j.label) }));
    const frozen = evaluate(samples, { hindsight: false, priors: { judder: file }, frozen: true });
    const learning = evaluate(samples, { hindsight: false, priors: { judder: file } });
    const prior = loadPrior(file, judderModelOptions());
    expect(frozen.jobs.map((j) => j.pModel)).toEqual(jobs.map((j) => prior.predict(j.x)));
    expect(frozen.jobs.every((j) => j.sourceController === "prior")).toBe(true);
    // The learning run's estimates move after its first label; the frozen one's never do.
    expect(learning.jobs.slice(1).some((j, i) => j.pModel !== frozen.jobs[i + 1].pModel)).toBe(true);
  });

  it("a learner started from a prior says source 'prior' and the prior's version until its first update", () => {
    const file = judderPrior("prior-test-1");
    const learner = new JudderLearner({ seed: 5 }, undefined, loadPrior(file, judderModelOptions({ seed: 5 })));
    const job = syntheticJobs(1, 99)[0];
    const e = learner.estimate(job.x, 80);
    expect(e.source).toBe("prior");
    expect(e.modelVersion).toBe("prior-test-1");
    // The prior's p, not the rule's (LRO 80 µm gives the rule p ≈ 1).
    expect(e.p).toBe(e.modelP);
    learner.observe(job.x);
    expect(learner.learn(job.x, labelsOf(1), 80)).toBe(true);
    const after = learner.estimate(job.x, 80);
    expect(after.source).toBe("model");
    expect(after.modelVersion).toBe("judder-v1");
    // Without a prior the same learner starts from the rule.
    expect(new JudderLearner({ seed: 5 }).estimate(job.x, 80)).toMatchObject({ source: "rule", modelVersion: null });
  });

  it("the shipped priors load with this controller's input layout and name how they were made", () => {
    const j = loadPrior("models/prior/judder.epnn", judderModelOptions());
    const r = loadPrior("models/prior/ra.epnn", raModelOptions());
    for (const m of [j, r]) {
      expect(m.origin).toMatch(/^prior-sim-\d{4}-\d\d-\d\d-[0-9a-f]{7}-.*-s1001-\d+$/);
      expect(m.ready).toBe(true);
      expect(m.version).toBe(0);
    }
    const cut = new CutQualityLearner({}, {}, { ra: r });
    const x = new Float64Array(j.inputs.length);
    const e = cut.estimate(x);
    expect(e.source).toBe("prior");
    expect(e.modelVersion).toBe(`rule+${r.origin}`);
    expect(e.raUm).not.toBeNull();
  });

  it("refuses a prior of another kind or input selection with a clear error; the learner uses the rule", () => {
    const ra = new OnlineModel(raModelOptions({ minLabels: 1 }));
    ra.learn(new Float64Array(ra.inputs.length), 1);
    const raFile = join(root, "ra-as-judder.epnn");
    saveOnlineModel(ra, raFile);
    const errors: string[] = [];
    expect(priorOrRule(raFile, judderModelOptions(), (m) => errors.push(m))).toBeNull();
    expect(errors[0]).toContain(raFile);
    expect(errors[0]).toMatch(/refused: .*'ra' model, expected 'judder'.*cold-start rule/);

    const other = judderPrior("prior-other-selection", judderModelOptions({ use: JUDDER_INPUTS.slice(0, 5) }));
    expect(priorOrRule(other, judderModelOptions(), (m) => errors.push(m))).toBeNull();
    expect(errors[1]).toMatch(/refused: .*5 inputs, not the 12 .*input selection changed/);

    const learner = new JudderLearner({}, undefined, priorOrRule(raFile, judderModelOptions(), () => undefined) ?? undefined);
    expect(learner.estimate(new Float64Array(ra.inputs.length), 80)).toMatchObject({ source: "rule", modelVersion: null });
  });

  it("the registry registers the prior as the parent of the learner's first version", () => {
    const file = judderPrior("prior-test-registry");
    const log = JobLog.open(join(root, "reg", "job-log.sqlite"));
    try {
      const options = judderModelOptions({ seed: 5 });
      const model = loadPrior(file, options);
      const track = new VersionTrack(log.models, log.file, options);
      track.begin(model, {});
      expect(track.nameOf(model)).toBe("prior-test-registry");
      expect(log.models.get("prior-test-registry")).toMatchObject({ kind: "judder", parent: null });
      const job = syntheticJobs(1, 3)[0];
      model.learn(job.x, 1);
      track.update(model, {});
      expect(log.models.get("judder-v1")).toMatchObject({ parent: "prior-test-registry", active: true });
    } finally {
      log.close();
    }
  });

  it("adapts away from a prior whose input→label relation no longer holds", () => {
    const options: OnlineModelOptions = { kind: "toy", inputs: ["a", "b"], task: "binary", seed: 2, minLabels: 10 };
    const rnd = mulberry32(4);
    const draw = () => [rnd() * 2 - 1, rnd() * 2 - 1];
    const prior = new OnlineModel(options);
    for (let i = 0; i < 600; i++) {
      const x = draw();
      prior.observe(x);
      prior.learn(x, x[0] > 0 ? 1 : 0);
    }
    prior.origin = "prior-toy";
    const file = join(root, "toy.epnn");
    saveOnlineModel(prior, file);
    const frozen = loadPrior(file, options);
    const live = loadPrior(file, options);
    // The world now: the label follows b, not a.
    const test = Array.from({ length: 300 }, draw);
    const acc = (m: OnlineModel) => test.filter((x) => (m.predict(x) >= 0.5 ? 1 : 0) === (x[1] > 0 ? 1 : 0)).length / test.length;
    const before = acc(live);
    expect(before).toBeLessThan(0.7);
    // Its running loss is no better than the base rate's: it stops trusting the prior and learns at
    // the full rate (a restart in that state keeps it), until it does well again.
    let distrusted = -1;
    for (let i = 0; i < 300; i++) {
      const x = draw();
      live.observe(x);
      live.learn(x, x[1] > 0 ? 1 : 0);
      if (distrusted < 0 && !live.priorTrusted) {
        distrusted = i;
        expect(live.net.spec.optimizer.learningRate).toBe(0.003);
        saveOnlineModel(live, join(root, "toy-distrusted.epnn"));
        const again = loadOnlineModel(join(root, "toy-distrusted.epnn"), options);
        expect(again.priorTrusted).toBe(false);
        expect(again.net.spec.optimizer.learningRate).toBe(0.003);
      }
    }
    expect(distrusted).toBeGreaterThanOrEqual(0);
    expect(distrusted).toBeLessThan(30);
    expect(acc(live)).toBeGreaterThan(0.9);
    expect(acc(live)).toBeGreaterThan(acc(frozen) + 0.3);
    expect(live.isPrior).toBe(false);
  });

  it("fine-tunes a prior that still fits with small steps (priorLearningRate)", () => {
    const options: OnlineModelOptions = { kind: "toy", inputs: ["a", "b"], task: "binary", seed: 2, minLabels: 10 };
    const rnd = mulberry32(5);
    const draw = () => [rnd() * 2 - 1, rnd() * 2 - 1];
    const label = (x: number[]) => (x[0] + 0.3 * x[1] > 0 ? 1 : 0);
    const prior = new OnlineModel(options);
    for (let i = 0; i < 600; i++) {
      const x = draw();
      prior.observe(x);
      prior.learn(x, label(x));
    }
    prior.origin = "prior-toy-fits";
    const file = join(root, "toy-fits.epnn");
    saveOnlineModel(prior, file);
    const live = loadPrior(file, options);
    expect(live.priorTrusted).toBe(true);
    expect(live.net.spec.optimizer.learningRate).toBe(0.0003);
    const start = Float64Array.from(live.net.params);
    const full = loadPrior(file, { ...options, priorLearningRate: 0.003 });
    for (let i = 0; i < 300; i++) {
      const x = draw();
      for (const m of [live, full]) {
        m.observe(x);
        m.learn(x, label(x));
      }
    }
    expect(live.priorTrusted).toBe(true);
    expect(live.net.spec.optimizer.learningRate).toBe(0.0003);
    const test = Array.from({ length: 300 }, draw);
    expect(test.filter((x) => (live.predict(x) >= 0.5 ? 1 : 0) === label(x)).length / test.length).toBeGreaterThan(0.9);
    // Ten times smaller steps: the weights moved far less than at the full rate.
    const moved = (m: OnlineModel) => Math.hypot(...m.net.params.map((v, i) => v - start[i]));
    expect(moved(live)).toBeLessThan(0.5 * moved(full));
  });
});
