// The learners inside the controller's pipeline, on small simulator runs: the plugins predict before
// they learn (their records match an offline test-then-train run on the same jobs), cold start is
// marked, and the learned alarms fire on the scenarios they are for.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator, writeCaptures } from "../../firmware-sim/index.ts";
import { loadConfigFile } from "../../src/runtime/index.ts";
import type { JobRecord } from "../../src/store/job-record.ts";
import { shippedConfig } from "../../src/cli/pipeline.ts";
import { runReplay } from "../controller/support/replay-records.ts";
import { samplesFromCaptures } from "../../src/cli/eval-dataset.ts";
import { JudderLearner } from "../../src/learn/learners.ts";
import { AlarmDetector } from "../../src/learn/alarms.ts";
import type { JobSample } from "../../src/learn/job-sample.ts";
import { INPUT_INDEX } from "../../src/learn/job-inputs.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-learn-pipe-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function simulate(scenario: string, jobs: number, seed: number): string {
  const dir = join(root, `${scenario}-${seed}`);
  writeCaptures(new Simulator({ scenario, jobs, seed }), dir);
  return dir;
}
const files = (dir: string) => ({ vib: join(dir, "vib.bin"), run: join(dir, "run.bin"), labels: join(dir, "labels.jsonl") });
const truthOf = (dir: string) => readFileSync(join(dir, "truth.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { job: number; causes: { chatterG: number; looseWanderUm: number } });

/** Replays captures through config/replay-learning.yaml with plugin config patches; returns the records. */
async function replayLearning(dir: string, patch: Record<string, Record<string, unknown>>): Promise<JobRecord[]> {
  const config = await loadConfigFile(shippedConfig("replay-learning.yaml"));
  const f = files(dir);
  config.plugins["replay-source"].config = { vib: f.vib, run: f.run };
  config.plugins["job-records"].config = { labels: f.labels };
  for (const [name, p] of Object.entries(patch)) config.plugins[name].config = { ...((config.plugins[name].config as object) ?? {}), ...p };
  const { records } = await runReplay(config);
  return records.sort((a, b) => a.ordinal - b.ordinal);
}

describe("judder and cut-quality plugins in the replay pipeline", () => {
  let dir: string;
  let records: JobRecord[];
  let samples: JobSample[];
  beforeAll(async () => {
    dir = simulate("mixed", 14, 5);
    records = await replayLearning(dir, { judder: { minLabels: 3 }, "cut-quality": { minLabels: 3 } });
    samples = await samplesFromCaptures(files(dir));
  });

  it("the phase-coherent inputs track the simulator's hidden DTV and cutting-force gain", () => {
    const truth = new Map(
      readFileSync(join(dir, "truth.jsonl"), "utf8").trim().split("\n").map((l) => {
        const t = JSON.parse(l) as { job: number; dtvUm: number; causes: { mountStiffness: number; hardSpots: unknown[]; looseWanderUm: number } };
        return [t.job, t] as const;
      }),
    );
    const est: number[] = [];
    const dtv: number[] = [];
    const gain: number[] = [];
    const stiff: number[] = [];
    for (const s of samples) {
      const t = truth.get(s.ordinal);
      if (!s.inputs || !t) continue;
      const d = Math.expm1(s.inputs[INPUT_INDEX.co_dtv_log]);
      if (!Number.isFinite(d)) continue;
      gain.push(s.inputs[INPUT_INDEX.co_gain_log]);
      stiff.push(t.causes.mountStiffness);
      // Hard spots and a loose adapter disturb the estimate (the learner sees indicators of both).
      if (t.causes.hardSpots.length > 0 || t.causes.looseWanderUm > 0) continue;
      est.push(d);
      dtv.push(t.dtvUm);
    }
    const rank = (xs: number[]) => xs.map((x) => xs.filter((y) => y < x).length);
    const spearman = (a: number[], b: number[]) => {
      const ra = rank(a);
      const rb = rank(b);
      const n = a.length;
      const m = (n - 1) / 2;
      let sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < n; i++) {
        sab += (ra[i] - m) * (rb[i] - m);
        saa += (ra[i] - m) ** 2;
        sbb += (rb[i] - m) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    expect(est.length).toBeGreaterThanOrEqual(8);
    expect(spearman(est, dtv)).toBeGreaterThan(0.8);
    // The gain estimate falls with mount stiffness (the force gain is ∝ 1/√stiffness).
    expect(spearman(gain, stiff)).toBeLessThan(-0.5);
  });

  it("marks cold start: rule estimates until the networks have their labels, then model versions", () => {
    expect(records.length).toBe(14);
    const withP = records.filter((r) => r.judder.p !== null);
    expect(withP[0].judder).toMatchObject({ source: "rule", modelVersion: null });
    expect(withP[0].cutQuality).toMatchObject({ source: "rule", raUm: null });
    const model = withP.filter((r) => r.judder.source === "model");
    expect(model.length).toBeGreaterThan(5);
    for (const r of model) expect(r.judder.modelVersion).toMatch(/^judder-v\d+$/);
    // The rule's p is the logistic in LRO before the cut: 0.5 exactly at 50 µm.
    for (const r of withP.filter((x) => x.judder.source === "rule")) expect(r.judder.flag).toBe(r.measured.lroPreUm! >= 50);
  });

  it("each job's p is what a learner trained only on the earlier jobs' labels says (test, then train)", () => {
    const learner = new JudderLearner({ minLabels: 3 });
    const cheat = new JudderLearner({ minLabels: 3 });
    let differs = 0;
    for (const s of samples) {
      if (!s.inputs) continue;
      const e = learner.estimate(s.inputs, s.lroPreUm);
      learner.observe(s.inputs);
      cheat.observe(s.inputs);
      cheat.learn(s.inputs, s.labels, s.lroPreUm);
      const leaked = cheat.estimate(s.inputs, s.lroPreUm);
      const rec = records.find((r) => r.ordinal === s.ordinal)!;
      expect(rec.judder.source).toBe(e.source);
      // The network's p exactly; the rule's from the unrounded LRO (the record's is rounded to 1 nm).
      if (e.source === "model") expect(rec.judder.p).toBe(e.p);
      else expect(rec.judder.p).toBeCloseTo(e.p!, 5);
      if (e.source === "model" && Math.abs((leaked.p ?? 0) - e.p!) > 1e-3) differs++;
      learner.learn(s.inputs, s.labels, s.lroPreUm);
    }
    expect(differs).toBeGreaterThan(0);
  });
});

describe("learned alarms", () => {
  it("good jobs teach the normal; worn tips raise chatter, a loose adapter raises loose-mount, each only where its cause is", async () => {
    const dirs = { good: simulate("good", 10, 3), worn: simulate("worn-tips", 4, 3), loose: simulate("loose-adapter", 3, 3) };
    const detector = new AlarmDetector({ minJobs: 6 });
    let chatterSeen = 0;
    let looseSeen = 0;
    for (const [name, dir] of Object.entries(dirs)) {
      const truth = truthOf(dir);
      for (const s of await samplesFromCaptures(files(dir))) {
        if (!s.inputs) continue;
        const codes = detector.check(s.inputs).map((a) => a.code);
        const cause = truth.find((t) => t.job === s.ordinal)!.causes;
        if (detector.jobs < 6 && codes.length === 0) continue;
        if (cause.chatterG >= 0.1) {
          expect(codes, `${name} job ${s.ordinal}`).toContain("chatter");
          chatterSeen++;
        }
        if (cause.chatterG <= 0.011) expect(codes, `${name} job ${s.ordinal}`).not.toContain("chatter");
        if (cause.looseWanderUm > 0) {
          expect(codes, `${name} job ${s.ordinal}`).toContain("loose-mount");
          looseSeen++;
        } else expect(codes, `${name} job ${s.ordinal}`).not.toContain("loose-mount");
      }
    }
    expect(chatterSeen).toBeGreaterThanOrEqual(2);
    expect(looseSeen).toBe(3);
  });
});
