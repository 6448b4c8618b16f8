import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JobLog, getJob, getJobByOrdinal, jobFeatures, listJobs, localDay, iterateJobs, iterateTrainingJobs, countJobs, lockHolder, lockPath } from "../../src/store/index.ts";
import { entry, NAMES, record, tempDb } from "./support/records.ts";

function clock(start = Date.UTC(2026, 10, 28, 10)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("job log: jobs, features, predictions", () => {
  it("stores a job record field for field and gives it back (show / list / ordinal)", () => {
    const file = tempDb();
    const c = clock();
    const log = JobLog.open(file, { owner: true, now: c.now });
    const rec = record(3, {
      alarms: [{ type: "chatter", revolution: 12 }],
      meta: { repairOrder: "RO-17", vehicle: "Golf VII", wheel: "FL", technician: "Ana" },
      judder: { p: 0.91, flag: true, source: "model", modelVersion: "j-4" },
    });
    log.endJob({ record: rec });
    const got = getJob(log.db, "job-3")!;
    const { session, loggedAt, endedAt, ...asRecord } = got;
    expect(asRecord).toEqual(rec);
    expect(session).toBe(log.session);
    expect(loggedAt).toBe(c.now());
    expect(endedAt).toBe(c.now());
    expect(getJobByOrdinal(log.db, 3)?.id).toBe("job-3");
    expect(getJob(log.db, "nope")).toBeNull();
    log.endJob({ record: record(4) });
    expect(listJobs(log.db).map((j) => j.id)).toEqual(["job-4", "job-3"]);
    expect([...iterateJobs(log.db)].map((j) => j.id)).toEqual(["job-3", "job-4"]);
    log.close();
  });

  it("keeps per-revolution features as float64 BLOBs with their names version", () => {
    const log = JobLog.open(tempDb());
    const e = entry(5, 40);
    log.endJob(e);
    const revs = jobFeatures(log.db, "job-5");
    expect(revs).toHaveLength(40);
    expect(revs[17].values).toEqual(e.revolutions![17].values);
    expect(revs[17]).toMatchObject({ index: 17, phase: e.revolutions![17].phase, boardUs: e.revolutions![17].boardUs, namesVersion: 1 });
    expect(log.featureNames(1)).toEqual(NAMES);
    expect(log.featureNames(2)).toBeNull();
    // Ending the same job again replaces its features and predictions, not duplicates them.
    log.endJob(entry(5, 3, { judder: { p: 0.6, flag: true, source: "model", modelVersion: "j-2" } }));
    expect(jobFeatures(log.db, "job-5")).toHaveLength(3);
    expect(log.db.prepare(`SELECT count(*) FROM predictions WHERE job_id = 'job-5'`).pluck().get()).toBe(3);
    expect(getJob(log.db, "job-5")!.judder).toEqual({ p: 0.6, flag: true, source: "model", modelVersion: "j-2" });
    log.close();
  });

  it("stores predictions with their model version and source; none for a value not decided", () => {
    const log = JobLog.open(tempDb());
    log.endJob({ record: record(1, { status: "interrupted", reason: "measure phase skipped", judder: { p: null, flag: null, source: "rule", modelVersion: null }, cutQuality: { lroPostUm: null, raUm: 1.2, source: "prior", modelVersion: "prior-1" } }) });
    const rows = log.db.prepare(`SELECT target, value, model_version, source FROM predictions WHERE job_id = 'job-1'`).all();
    expect(rows).toEqual([{ target: "raUm", value: 1.2, model_version: "prior-1", source: "prior" }]);
    const j = getJob(log.db, "job-1")!;
    expect(j.status).toBe("interrupted");
    expect(j.reason).toBe("measure phase skipped");
    expect(j.judder.p).toBeNull();
    expect(j.cutQuality).toEqual({ lroPostUm: null, raUm: 1.2, source: "prior", modelVersion: "prior-1" });
    log.close();
  });

  it("an ended job survives closing and reopening (durable commit)", () => {
    const file = tempDb();
    let log = JobLog.open(file, { owner: true });
    for (let n = 1; n <= 5; n++) {
      log.startJob({ id: `job-${n}`, ordinal: n });
      log.endJob(entry(n, 2));
    }
    log.close();
    log = JobLog.open(file, { owner: true });
    expect(countJobs(log.db)).toBe(5);
    expect(log.interruptedOnOpen).toBe(0);
    expect(jobFeatures(log.db, "job-5")).toHaveLength(2);
    log.close();
  });

  it("marks the job that was running when the process died interrupted ('process ended') on the next owner open", () => {
    const file = tempDb();
    const log = JobLog.open(file, { owner: true });
    log.endJob(entry(1));
    log.startJob({ id: "job-2", ordinal: 2, boardStartUs: 5, startedAt: "2026-11-28T10:00:00.000Z" });
    expect(getJob(log.db, "job-2")!.status).toBe("running");
    log.db.close(); // as if killed: no end, lock file left behind by a now-dead holder
    const reader = JobLog.open(file); // a command does not mark anything
    expect(getJob(reader.db, "job-2")!.status).toBe("running");
    reader.close();
    const again = JobLog.open(file, { owner: true });
    expect(again.interruptedOnOpen).toBe(1);
    const j = getJob(again.db, "job-2")!;
    expect(j).toMatchObject({ status: "interrupted", reason: "process ended", ordinal: 2, boardStartUs: 5 });
    expect(getJob(again.db, "job-1")!.status).toBe("complete");
    expect(again.events({ type: "job.interrupted" })).toHaveLength(1);
    again.close();
  });

  it("an owner is refused while a live process holds the lock, and takes over a dead one's", () => {
    const file = tempDb();
    writeFileSync(lockPath(file), `${process.ppid}\n`); // alive, and not us
    expect(() => JobLog.open(file, { owner: true })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_LOCKED", message: expect.stringContaining(String(process.ppid)) }));
    expect(lockHolder(file)).toBe(process.ppid);
    const dead = spawnSync("true").pid!;
    writeFileSync(lockPath(file), `${dead}\n`);
    expect(lockHolder(file)).toBeNull();
    const log = JobLog.open(file, { owner: true });
    expect(readFileSync(lockPath(file), "utf8").trim()).toBe(String(process.pid));
    log.close();
    expect(existsSync(lockPath(file))).toBe(false);
  });
});

describe("job log: labels, annotations, events, counters", () => {
  it("labels: several per job, latest value wins per field, history kept with who/when", () => {
    const c = clock();
    const log = JobLog.open(tempDb(), { now: c.now });
    log.endJob({ record: record(1) });
    const a = log.addLabel({ jobId: "job-1", judder: true, source: "technician", who: "Ana" });
    c.advance(1000);
    const b = log.addLabel({ jobId: "job-1", dtvUm: 22.5, source: "cli", who: "bo" });
    c.advance(1000);
    const d = log.addLabel({ jobId: "job-1", judder: false, raUm: 1.1, source: "panel" });
    expect(b).toBeGreaterThan(a);
    expect(getJob(log.db, "job-1")!.labels).toEqual({ judder: false, dtvUm: 22.5, raUm: 1.1 });
    const h = log.labelHistory("job-1");
    expect(h.map((l) => [l.judder, l.dtvUm, l.raUm, l.source, l.who, l.time - h[0].time])).toEqual([
      [true, null, null, "technician", "Ana", 0],
      [null, 22.5, null, "cli", "bo", 1000],
      [false, null, 1.1, "panel", null, 2000],
    ]);
    expect(log.labelsAfter(a).map((l) => l.id)).toEqual([b, d]);
    expect(log.lastLabelId()).toBe(d);
    log.close();
  });

  it("labels: refuses one with no value, a negative µm, an unknown job", () => {
    const log = JobLog.open(tempDb());
    log.endJob({ record: record(1) });
    expect(() => log.addLabel({ jobId: "job-1", source: "cli" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_BAD_INPUT" }));
    expect(() => log.addLabel({ jobId: "job-1", dtvUm: -3, source: "cli" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_BAD_INPUT" }));
    expect(() => log.addLabel({ jobId: "job-9", judder: true, source: "cli" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    log.close();
  });

  it("labels carried by a record (label file) are stored once, with source label-file", () => {
    const log = JobLog.open(tempDb());
    const labelled = record(1, { labels: { judder: true, dtvUm: 31, raUm: null } });
    expect(log.endJob({ record: labelled })).toHaveLength(1);
    expect(log.endJob({ record: labelled })).toHaveLength(0);
    expect(log.labelHistory("job-1").map((l) => l.source)).toEqual(["label-file"]);
    log.close();
  });

  it("annotate sets the shop's paperwork, leaves unspecified fields, refuses a bad wheel", () => {
    const log = JobLog.open(tempDb());
    log.endJob({ record: record(1) });
    log.annotate("job-1", { repairOrder: "RO-1", wheel: "RL" });
    log.annotate("job-1", { technician: "Ana" });
    expect(getJob(log.db, "job-1")!.meta).toEqual({ repairOrder: "RO-1", vehicle: null, wheel: "RL", technician: "Ana" });
    expect(() => log.annotate("job-1", { wheel: "XX" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_BAD_INPUT" }));
    expect(() => log.annotate("job-2", { vehicle: "x" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    // A record ending later without meta keeps the annotation.
    log.endJob({ record: record(1) });
    expect(getJob(log.db, "job-1")!.meta?.repairOrder).toBe("RO-1");
    log.close();
  });

  it("events are stored as {type, time, source, message, data}", () => {
    const log = JobLog.open(tempDb());
    log.addEvent({ type: "board.fault", time: 5, source: "vib-source", message: "VIB stalled", data: { port: "/dev/ttyACM0" } });
    log.addEvent({ type: "plugin.restarted", time: 6, source: "host", message: "restarted judder" });
    expect(log.events()).toEqual([
      { type: "board.fault", time: 5, source: "vib-source", message: "VIB stalled", data: { port: "/dev/ttyACM0" } },
      { type: "plugin.restarted", time: 6, source: "host", message: "restarted judder", data: {} },
    ]);
    expect(log.events({ type: "board.fault" })).toHaveLength(1);
    log.close();
  });

  it("tip wear and daily totals survive a reopen, and the tips can be changed", () => {
    const file = tempDb();
    const c = clock(new Date(2026, 10, 28, 23, 0).getTime()); // local 23:00
    let log = JobLog.open(file, { now: c.now });
    log.endJob({ record: record(1, { passes: 2 }) });
    log.endJob({ record: record(2, { status: "interrupted", reason: "board went away", passes: 1 }) });
    const day1 = localDay(c.now());
    c.advance(2 * 3600_000); // past local midnight
    log.endJob({ record: record(3) });
    log.close();
    log = JobLog.open(file, { now: c.now });
    expect(log.tipWear().value).toBe(4);
    expect(log.dailyTotals(day1)).toEqual({ jobs: 2, complete: 1, interrupted: 1, cuts: 3 });
    expect(log.dailyTotals()).toEqual({ jobs: 1, complete: 1, cuts: 1 });
    log.tipsChanged();
    expect(log.tipWear()).toEqual({ value: 0, since: c.now() });
    log.endJob({ record: record(4) });
    expect(log.tipWear().value).toBe(1);
    log.close();
  });
});

describe("job log: reading for retraining", () => {
  it("iterateTrainingJobs gives complete jobs with a label or a measured post-cut runout, oldest first, with features", () => {
    const log = JobLog.open(tempDb());
    log.endJob(entry(1, 3, { measured: { rpm: 120, lroPreUm: 50, lroPostUm: null } })); // no label, no check pass
    log.endJob(entry(2, 3)); // post-cut runout measured
    log.endJob(entry(3, 3, { status: "interrupted", reason: "x", measured: { rpm: 120, lroPreUm: 50, lroPostUm: null } }));
    log.endJob(entry(4, 3, { measured: { rpm: 120, lroPreUm: 50, lroPostUm: null } }));
    log.addLabel({ jobId: "job-4", judder: true, source: "technician" });
    const got = [...iterateTrainingJobs(log.db)];
    expect(got.map((t) => t.job.id)).toEqual(["job-2", "job-4"]);
    expect(got[1].job.labels?.judder).toBe(true);
    expect(got[1].revolutions).toHaveLength(3);
    expect([...iterateTrainingJobs(log.db, { labelledOnly: false })].map((t) => t.job.id)).toEqual(["job-1", "job-2", "job-4"]);
    log.close();
  });

  it("addPrediction records a later prediction; the record shows the latest per target", () => {
    const log = JobLog.open(tempDb());
    log.endJob(entry(1, 1));
    log.addPrediction({ jobId: "job-1", target: "judder", value: 0.77, flag: true, modelVersion: "j-5", source: "model" });
    expect(getJob(log.db, "job-1")!.judder).toEqual({ p: 0.77, flag: true, source: "model", modelVersion: "j-5" });
    expect(log.db.prepare(`SELECT count(*) FROM predictions WHERE job_id = 'job-1' AND target = 'judder'`).pluck().get()).toBe(2);
    expect(() => log.addPrediction({ jobId: "nope", target: "raUm", value: 1, modelVersion: null, source: "rule" })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    log.close();
  });
});
