// A learner's versions in the job log's model registry (src/learn/version-track.ts through
// KeptModel, as the job-log variants of the plugins use them): every update registered with its
// running scores, a burst of poisoned labels giving an automatic rollback recorded with its reason,
// learning going on from the restored version, old version files pruned, and a version promoted
// by someone else taken up by the running learner.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JobLog } from "../../src/store/index.ts";
import { JudderLearner, judderModelOptions } from "../../src/learn/learners.ts";
import { KeptModel } from "../../src/learn/kept-model.ts";
import { openModelLog, VersionTrack } from "../../src/learn/version-track.ts";
import { RunningJudderScores } from "../../src/learn/running-scores.ts";
import type { LearnerStatus } from "../../src/learn/learner-status.ts";
import type { Logger, ObjectWriter } from "../../src/runtime/index.ts";
import type { RollbackReport } from "../../src/learn/online-model.ts";
import { syntheticJobs } from "./support/synthetic.ts";

const root = mkdtempSync(join(tmpdir(), "edgeprop-versions-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const messages: string[] = [];
const log = { info: () => undefined, warn: () => undefined, error: (a: unknown, b?: string) => messages.push(String(b ?? a)) } as unknown as Logger;

function judderKeeper(db: string, keep: number) {
  const jobLog = JobLog.open(db);
  const options = judderModelOptions({ seed: 3 });
  const learner = new JudderLearner({ seed: 3 });
  const scores = new RunningJudderScores(0.5);
  const statuses: LearnerStatus[] = [];
  const rollbacks: RollbackReport[] = [];
  const kept = new KeptModel({
    learner: "judder", get: () => learner.model, adopt: (m) => learner.adopt(m), modelDir: undefined,
    status: { push: (s: LearnerStatus) => statuses.push(s) > 0 } as unknown as ObjectWriter<LearnerStatus>,
    log, scores: () => scores.scores(), inUse: () => learner.model.ready, onRollback: (r) => rollbacks.push(r),
  });
  kept.attachTrack(new VersionTrack(jobLog.models, jobLog.file, options, keep));
  learner.versionName = (m) => kept.name(m);
  kept.start();
  return { jobLog, learner, scores, statuses, rollbacks, kept };
}

describe("learner versions in the model registry", () => {
  it("registers every update with its running scores; a poisoned burst rolls back, recorded with the reason", () => {
    const db = join(root, "a", "job-log.sqlite");
    const k = judderKeeper(db, 5);
    const jobs = syntheticJobs(260, 7, { noise: 0.03 });
    let updates = 0;
    let afterRollback: string | null = null;
    jobs.forEach((job, j) => {
      const label = j >= 200 && j < 230 ? 1 - job.label : job.label;
      k.learner.observe(job.x);
      const e = k.learner.estimate(job.x, job.x[0]);
      if (e.source === "model") expect(k.jobLog.models.get(e.modelVersion!), `job ${j}: ${e.modelVersion}`).not.toBeNull();
      k.scores.add(e.p, label);
      const before = k.rollbacks.length;
      const ok = k.learner.learn(job.x, { judder: label === 1, dtvUm: null, raUm: null }, job.x[0]);
      k.kept.learned(ok);
      if (k.rollbacks.length === before) {
        updates++;
        const name = k.kept.name(k.learner.model);
        const row = k.jobLog.models.get(name)!;
        expect(row.active).toBe(true);
        expect(row.metrics).toMatchObject({ ...k.scores.scores(), updates: k.learner.model.version, labels: k.learner.model.labels });
        if (afterRollback) {
          expect(row.parent).toBe(afterRollback);
          afterRollback = null;
        }
      } else afterRollback = k.jobLog.models.active("judder")!.version;
    });
    const rows = k.jobLog.models.list("judder");
    expect(rows.length).toBe(updates);
    expect(k.rollbacks.length).toBeGreaterThanOrEqual(1);
    const r = k.rollbacks[0];
    const events = k.jobLog.models.history("judder").filter((h) => h.type === "rolled-back");
    expect(events.length).toBe(k.rollbacks.length);
    // the rollback went to the version the checkpoint was taken at, with the losses in the reason
    expect(events[0].version).toBe(`judder-v${r.to}`);
    expect(events[0].reason).toContain(`automatic: running loss ${r.anchorError.toFixed(3)} against ${r.baseline.toFixed(3)}`);
    expect(events[0].reason).toContain("running scores {\"n\":");
    // the update after the rollback repeats an update count: it gets a name of its own
    expect(rows.some((m) => /^judder-v\d+-2$/.test(m.version))).toBe(true);
    expect(k.jobLog.db.prepare("SELECT count(*) FROM events WHERE type = 'model.rolled-back'").pluck().get()).toBe(k.rollbacks.length);
    // a learner's own updates are registrations, not promotions: the events show rollbacks only
    expect(k.jobLog.models.history("judder").filter((h) => h.type === "registered").length).toBe(updates);
    expect(k.jobLog.models.history("judder").some((h) => h.type === "promoted")).toBe(false);
    expect(k.jobLog.db.prepare("SELECT count(*) FROM events WHERE type LIKE 'model.%'").pluck().get()).toBe(k.rollbacks.length);
    // only the newest 5 version files are kept; the newest is the active one's
    const files = readdirSync(join(root, "a", "models"));
    expect(files.length).toBe(5);
    expect(files).toContain(`${k.jobLog.models.active("judder")!.version}.epnn`);
    expect(k.statuses.filter((s) => s.cause === "rollback").length).toBe(k.rollbacks.length);
    expect(k.statuses.at(-1)).toMatchObject({ learner: "judder", kind: "judder", version: k.kept.name(k.learner.model), source: "model", registry: true, scores: k.scores.scores() });
    k.jobLog.close();
  });

  it("a log that cannot be opened is reported, naming the file, and gives no registry (the learner runs on)", () => {
    const bad = join(root, "bad", "job-log.sqlite");
    mkdirSync(join(root, "bad"), { recursive: true });
    writeFileSync(bad, "not a database, just text that is long enough to have a first page".repeat(100));
    const errors: string[] = [];
    expect(openModelLog(bad, (m) => errors.push(m))).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`model registry in ${bad} not available`);
  });

  it("a version promoted by someone else is taken up by the running learner; a restart starts from the active version", () => {
    const db = join(root, "b", "job-log.sqlite");
    const k = judderKeeper(db, 50);
    const jobs = syntheticJobs(40, 9);
    for (const job of jobs) {
      k.learner.observe(job.x);
      k.kept.learned(k.learner.learn(job.x, { judder: job.label === 1, dtvUm: null, raUm: null }, job.x[0]));
    }
    expect(k.kept.name(k.learner.model)).toBe("judder-v40");
    const other = JobLog.open(db);
    other.models.promote("judder-v31", "by a test");
    k.kept.poll();
    expect(k.learner.model.version).toBe(31);
    expect(k.kept.name(k.learner.model)).toBe("judder-v31");
    expect(k.statuses.at(-1)).toMatchObject({ cause: "adopted", version: "judder-v31" });
    // it learns on from there: the next version's parent is the promoted one
    k.learner.observe(jobs[0].x);
    k.kept.learned(k.learner.learn(jobs[0].x, { judder: true, dtvUm: null, raUm: null }, 60));
    const next = other.models.active("judder")!;
    expect(next).toMatchObject({ version: "judder-v32-2", parent: "judder-v31" });
    // an unloadable promoted version is refused once, logged, and the learner keeps its model
    other.models.register({ version: "judder-junk", kind: "judder", blob: new Uint8Array([1]), activate: true });
    k.kept.poll();
    k.kept.poll();
    expect(k.kept.name(k.learner.model)).toBe("judder-v32-2");
    expect(messages.filter((m) => m.includes("cannot be loaded")).length).toBe(1);
    other.models.promote("judder-v32-2");
    k.jobLog.close();
    // a restart (a new learner on the same log) starts from the active version
    const again = judderKeeper(db, 50);
    expect(again.learner.model.version).toBe(32);
    expect(again.kept.name(again.learner.model)).toBe("judder-v32-2");
    expect(again.statuses[0]).toMatchObject({ cause: "start", version: "judder-v32-2" });
    again.jobLog.close();
    other.close();
  });
});
