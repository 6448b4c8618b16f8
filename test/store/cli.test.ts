import { readFileSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { edgeprop } from "./support/cli.ts";
import { JobLog, getJob, lockPath } from "../../src/store/index.ts";
import { entry, record, tempDb, tempDir } from "./support/records.ts";

function seeded(): string {
  const db = tempDb("cli");
  const log = JobLog.open(db, { owner: true });
  log.endJob(entry(1, 3, { judder: { p: 0.82, flag: true, source: "model", modelVersion: "j-2" } }));
  log.endJob({ record: record(2, { status: "interrupted", reason: "RUN board went away", alarms: [{ type: "chatter" }] }) });
  log.close();
  return db;
}

afterEach(() => vi.restoreAllMocks());

describe("edgeprop jobs", () => {
  it("list prints one line per job, newest first; --json gives the records", async () => {
    const db = seeded();
    const r = await edgeprop("jobs", "list", "--db", db);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^job-2\s+2\s+.*interrupted/);
    expect(lines[1]).toMatch(/^job-1\s+1\s+.*complete.*0\.82 FLAG \(model\)/);
    const j = await edgeprop("jobs", "list", "--json", "--db", db);
    expect((JSON.parse(j.out) as Array<{ id: string }>).map((x) => x.id)).toEqual(["job-2", "job-1"]);
  });

  it("show prints a job (with labels and features), --json the record; an unknown id is a clear error", async () => {
    const db = seeded();
    await edgeprop("label", "job-1", "--judder", "yes", "--dtv-um", "24", "--who", "Ana", "--db", db);
    const r = await edgeprop("jobs", "show", "job-1", "--db", db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/label #1 .* by cli \(Ana\): judder yes, dtv 24 µm/);
    expect(r.out).toMatch(/features: 3 revolutions × 60 values/);
    const j = JSON.parse((await edgeprop("jobs", "show", "job-1", "--json", "--db", db)).out);
    expect(j).toMatchObject({ id: "job-1", labels: { judder: true, dtvUm: 24, raUm: null }, judder: { p: 0.82, modelVersion: "j-2" } });
    const bad = await edgeprop("jobs", "show", "job-9", "--db", db);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/EP_ERR_STORE_NOT_FOUND no job 'job-9'/);
  });

  it("export --format csv and jsonl (stdout or --out FILE)", async () => {
    const db = seeded();
    const csv = await edgeprop("jobs", "export", "--format", "csv", "--db", db);
    const rows = csv.out.trim().split("\n");
    expect(rows).toHaveLength(3);
    const header = rows[0].split(",");
    const first = rows[1].split(",");
    expect(first[header.indexOf("id")]).toBe("job-1");
    expect(first[header.indexOf("judderP")]).toBe("0.82");
    expect(rows[2]).toContain('"[{""type"":""chatter""}]"');
    const out = join(tempDir(), "jobs.jsonl");
    const jl = await edgeprop("jobs", "export", "--format", "jsonl", "--out", out, "--db", db);
    expect(jl.err).toMatch(/exported 2 jobs/);
    expect(readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(["job-1", "job-2"]);
    expect((await edgeprop("jobs", "export", "--format", "xml", "--db", db)).code).toBe(2);
  });

  it("annotate sets repair order, vehicle, wheel and technician", async () => {
    const db = seeded();
    const r = await edgeprop("jobs", "annotate", "job-1", "--repair-order", "RO-5", "--vehicle", "Octavia", "--wheel", "fr", "--technician", "Bo", "--db", db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/repair order RO-5, vehicle Octavia, wheel FR, technician Bo/);
    const bad = await edgeprop("jobs", "annotate", "job-1", "--wheel", "XX", "--db", db);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/EP_ERR_STORE_BAD_INPUT wheel must be one of FL, FR, RL, RR/);
    expect((await edgeprop("jobs", "annotate", "job-1", "--db", db)).code).toBe(2);
  });
});

describe("edgeprop label", () => {
  it("labels by id or by --ordinal, stored with who and when; needs at least one value", async () => {
    const db = seeded();
    const a = await edgeprop("label", "--ordinal", "2", "--ra-um", "1.4", "--who", "Ana", "--db", db);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/label #1 on job job-2 \(ordinal 2\): judder -, dtv - µm, ra 1.4 µm/);
    const log = JobLog.open(db);
    expect(log.labelHistory("job-2")).toMatchObject([{ raUm: 1.4, source: "cli", who: "Ana" }]);
    expect(Math.abs(log.labelHistory("job-2")[0].time - Date.now())).toBeLessThan(60_000);
    log.close();
    const none = await edgeprop("label", "job-1", "--db", db);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/at least one of --judder, --dtv-um, --ra-um/);
    expect((await edgeprop("label", "job-1", "--judder", "maybe", "--db", db)).err).toMatch(/--judder must be yes or no/);
    expect((await edgeprop("label", "job-1", "--dtv-um=-2", "--db", db)).err).toMatch(/--dtv-um must be a number/);
    expect((await edgeprop("label", "job-1", "--ra-um", "abc", "--db", db)).err).toMatch(/--ra-um must be a number ≥ 0 \(µm\), got .abc./);
    expect((await edgeprop("label", "--ordinal", "7", "--judder", "no", "--db", db)).err).toMatch(/no job with ordinal 7/);
    expect((await edgeprop("label", "job-1", "--ordinal", "1", "--judder", "no", "--db", db)).code).toBe(2);
  });
});

describe("edgeprop backup / restore", () => {
  it("backup copies a checked log; restore brings it back, refusing while a controller holds the log", async () => {
    const db = seeded();
    const copy = join(tempDir(), "backup.sqlite");
    const b = await edgeprop("backup", copy, "--db", db);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/2 jobs, 0 models, \d+ pages, integrity ok/);
    const log = JobLog.open(db);
    log.endJob(entry(3));
    log.close();
    writeFileSync(lockPath(db), `${process.ppid}\n`);
    const refused = await edgeprop("restore", copy, "--db", db);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/EP_ERR_STORE_LOCKED refusing to restore/);
    writeFileSync(lockPath(db), "");
    const r = await edgeprop("restore", copy, "--db", db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 jobs/);
    expect(r.out).toMatch(/previous log is kept as .*before-restore-/);
    const after = JobLog.open(db);
    expect(getJob(after.db, "job-3")).toBeNull();
    expect(getJob(after.db, "job-1")).not.toBeNull();
    after.close();
  });
});

describe("edgeprop models", () => {
  it("list, promote VERSION, rollback", async () => {
    const db = seeded();
    const log = JobLog.open(db);
    log.models.register({ version: "j-1", kind: "judder", blob: new Uint8Array(4), metrics: { auc: 0.91 }, activate: true });
    log.models.register({ version: "j-2", kind: "judder", parent: "j-1", blob: new Uint8Array(4), metrics: { auc: 0.95 } });
    log.close();
    const l = await edgeprop("models", "list", "--db", db);
    expect(l.out).toMatch(/^\* j-1 .*auc=0.91/m);
    expect(l.out).toMatch(/^ {2}j-2 .*parent j-1/m);
    expect((await edgeprop("models", "promote", "j-2", "--db", db)).out).toBe("judder model j-2 is now active\n");
    expect((await edgeprop("models", "rollback", "--db", db)).out).toBe("judder model rolled back from j-2 to j-1\n");
    const again = await edgeprop("models", "rollback", "--db", db);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/has no earlier version/);
    expect((await edgeprop("models", "promote", "zz", "--db", db)).err).toMatch(/no model version 'zz'/);
  });
});

describe("a damaged log from the command line", () => {
  it("a clear error, then --fresh-log keeps the old file aside and goes on", async () => {
    const db = seeded();
    const fd = openSync(db, "r+");
    writeSync(fd, Buffer.alloc(100, 0x33), 0, 100, 0);
    closeSync(fd);
    const r = await edgeprop("jobs", "list", "--db", db);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/EP_ERR_STORE_CORRUPT job log .* is damaged .* --fresh-log/);
    const f = await edgeprop("jobs", "list", "--db", db, "--fresh-log");
    expect(f.code).toBe(0);
    expect(f.err).toMatch(/kept it as .*corrupt-/);
    expect(f.out).toMatch(/no jobs in/);
  });
});
