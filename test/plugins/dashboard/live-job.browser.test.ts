// The dashboard in real headless Chromium while the shop controller runs a simulated job: the
// firmware simulator on two ptys (socat), the shipped sim pipeline (config/sim.yaml), the job log,
// and the dashboard — the same wiring as `edgeprop run --sim`, in this process so the test can also
// read what the pipeline produced (features.revs, jobs.records, the learners' status) and compare it
// with what the page shows.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { openPtyLink, Simulator, type PtyLink } from "../../../firmware-sim/index.ts";
import { featureRevs, StreamKind } from "../../../src/controller/channels.ts";
import { definePlugin, Host, loadConfigFile, z } from "../../../src/runtime/index.ts";
import { JobLog, jobRecordChannel, type JobRecord } from "../../../src/store/index.ts";
import { shippedConfig } from "../../../src/cli/pipeline.ts";
import { cutQualityStatus, judderStatus, type LearnerStatus } from "../../../src/learn/learner-status.ts";
import { artifact, haveChromium, launch, pluginPath, SKIP_REASON, until } from "./support.ts";
import { withoutPriors } from "../../support/without-priors.ts";

interface Rev { ordinal: number; t: number; phase: number; comp: number; ok: number; lroUm: number }

/** What the live page holds and shows, read in one go (the page moves on when the next job starts). */
interface Snap {
  jobId: string | null;
  phase: string | null;
  revs: { t: number; ok: number; lroUm: number | null }[];
  before: { lroUm: number; um: (number | null)[] } | null;
  after: { lroUm: number } | null;
  latest: { rev: number; phase: string | null } | null;
  spectrum: { amp: number[]; df: number } | null;
  health: { vib: { framesOk: number }; run: { framesOk: number } };
  pre: string | null;
  preSource: string | null;
  post: string | null;
  preText: string | null;
  judder: string | null;
}

/** Runs in the page. */
function snapshot(): Snap {
  const g = globalThis as unknown as { __ep: { state(): Omit<Snap, "jobId" | "phase" | "pre" | "preSource" | "post" | "preText" | "judder"> & { job: { id: string; phase: string } | null } | null }; document: { getElementById(id: string): { getAttribute(k: string): string | null; textContent: string | null } | null } };
  const S = g.__ep.state();
  const el = (id: string) => g.document.getElementById(id);
  return {
    jobId: S?.job?.id ?? null, phase: S?.job?.phase ?? null, revs: S?.revs ?? [], before: S?.before ?? null, after: S?.after ?? null, latest: S?.latest ? { rev: S.latest.rev, phase: S.latest.phase } : null,
    spectrum: S?.spectrum ?? null, health: S?.health ?? { vib: { framesOk: 0 }, run: { framesOk: 0 } },
    pre: el("lro-pre")?.getAttribute("data-value") ?? null, preSource: el("lro-pre")?.getAttribute("data-source") ?? null,
    post: el("lro-post")?.getAttribute("data-value") ?? null, preText: el("lro-pre")?.textContent ?? null,
    judder: el("judder-p")?.getAttribute("data-value") ?? null,
  };
}

interface Cell { dataset: Record<string, string | undefined>; getAttribute(k: string): string | null }
/** Runs in the models page: the running learners' rows, kind → cell name → data-value. */
function learnerRows(): [string, Record<string, string | null>][] {
  const doc = (globalThis as unknown as { document: { querySelectorAll(q: string): ArrayLike<Cell & { querySelectorAll(q: string): ArrayLike<Cell> }> } }).document;
  return Array.from(doc.querySelectorAll("tr.learner")).map((tr) => [tr.dataset.kind!, Object.fromEntries(Array.from(tr.querySelectorAll("td[data-k]")).map((td) => [td.dataset.k!, td.getAttribute("data-value")]))]);
}

/** What the pipeline produced, seen from a plugin like any other reader. */
const seen = { revs: [] as Rev[], records: [] as JobRecord[], learners: {} as Record<string, LearnerStatus> };
const collector = definePlugin(
  { name: "collector", version: "1.0.0", host: "*", config: z.object({}), reads: [featureRevs, jobRecordChannel, judderStatus, cutQualityStatus] },
  (ctx) => {
    const fr = ctx.channels.reader(featureRevs, () => {
      for (let i = fr.next(); i >= 0; i = fr.next()) {
        if (c.kind[i] === StreamKind.REV) seen.revs.push({ ordinal: c.ordinal[i], t: c.t[i], phase: c.phase[i], comp: c.comp[i], ok: c.ok[i], lroUm: c.lroUm[i] });
      }
    });
    const c = { kind: fr.column("kind"), ordinal: fr.column("ordinal"), t: fr.column("t"), phase: fr.column("phase"), comp: fr.column("comp"), ok: fr.column("ok"), lroUm: fr.column("lroUm") };
    const rr = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = rr.shift(); e !== undefined; e = rr.shift()) seen.records.push(e.record);
    });
    for (const spec of [judderStatus, cutQualityStatus]) {
      const sr = ctx.channels.reader(spec, () => {
        for (let st = sr.shift(); st !== undefined; st = sr.shift()) seen.learners[st.kind] = st;
      });
    }
    return {};
  },
);

describe.skipIf(!haveChromium)("dashboard during a simulated job (headless Chromium)", () => {
  let dir = "";
  let db = "";
  let host: Host;
  let link: PtyLink;
  let browser: Browser;
  let page: Page;
  let base = "";
  let chosenRecord: JobRecord | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgeprop-dash-"));
    db = join(dir, "job-log.sqlite");
    const config = withoutPriors(await loadConfigFile(shippedConfig("sim.yaml")));
    config.host.dataDir = join(dir, "data");
    config.host.logFile = join(dir, "edgeprop.log");
    // The shipped pipeline (whatever else sim.yaml runs is left out), consumers first as in the
    // shipped configs, the job log (and the learners' registry) in this test's folder.
    const pipeline = ["job-tracker", "features", "judder", "cut-quality", "job-records", "jsonl-log", "boards"];
    for (const [name, entry] of Object.entries(config.plugins)) entry.enabled = pipeline.includes(name);
    for (const name of ["judder", "cut-quality"]) config.plugins[name].config = { ...(config.plugins[name].config as object), db, registryPollMs: 100 };
    const withLearners = fileURLToPath(new URL("../../../plugins/dashboard/with-learners.ts", import.meta.url));
    const dashboard = { module: withLearners, enabled: true, config: { port: 0, db, spectrumMs: 200 } };
    config.plugins = {
      collector: { module: "test:collector", enabled: true },
      dashboard,
      ...config.plugins,
      "job-log": { module: pluginPath("job-log"), enabled: true, config: { db } },
    };
    config.plugins.dashboard = dashboard; // this test's, whatever sim.yaml says
    link = await openPtyLink(new Simulator({ scenario: "warped", jobs: 3, seed: 4 }), { speed: 6 });
    config.plugins.boards.config = { ...(config.plugins.boards.config as object), vib: link.links.vib, run: link.links.run };
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    host = await Host.load(config, { preloaded: { "test:collector": collector } });
    await host.start();
    base = `http://127.0.0.1:${host.metrics.value("dashboard.port")}`;
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await link?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the live page follows a job and shows the job's own runout", async () => {
    // as `run --sim` does: the boards plugin is probing the ports; the simulated boards power up now
    setTimeout(() => link.start(), 150);
    await page.goto(`${base}/`);
    await until("the page's WebSocket", () => page.locator("#conn").textContent().then((t) => t === "live"));
    expect(seen.records).toEqual([]);
    // Poll the page while jobs run. The job compared is the first complete one the page showed from
    // its start to its record (on a loaded machine the boards may be found only during a later job).
    const samples: { jobId: string | null; n: number; ended: boolean }[] = [];
    const given = new Set<string>();
    let shot = false;
    let chosen: { rec: JobRecord; s: Snap } | null = null;
    await until("a job followed whole by the page", async () => {
      const s = await page.evaluate(snapshot);
      samples.push({ jobId: s.jobId, n: s.revs.length, ended: s.phase === "ended" });
      if (!shot && s.revs.length >= 12) {
        shot = true;
        await page.screenshot({ path: artifact("live-running.png"), fullPage: true });
      }
      for (const rec of seen.records) {
        if (given.has(rec.id)) continue;
        const usable = rec.status === "complete" && rec.measured.lroPreUm !== null && rec.measured.lroPostUm !== null;
        if (usable && s.jobId === rec.id && s.preSource === "record") chosen = { rec, s };
        else if (!usable || (s.jobId !== null && s.jobId !== rec.id)) given.add(rec.id);
      }
      return chosen;
    }, 40_000, 50);
    const { rec, s } = chosen!;
    chosenRecord = rec;
    const running = samples.filter((x) => x.jobId === rec.id && !x.ended).map((x) => x.n);
    expect(new Set(running).size, `revolution counts seen during the job: ${running.join(",")}`).toBeGreaterThanOrEqual(3);
    expect(running).toEqual([...running].sort((x, y) => x - y));

    expect(Number(s.pre)).toBe(rec.measured.lroPreUm);
    expect(Number(s.post)).toBe(rec.measured.lroPostUm);
    expect(s.preText).toBe(`${rec.measured.lroPreUm!.toFixed(1)} µm`);
    expect(Number(s.judder)).toBe(rec.judder.p);

    // every revolution the page plotted is the pipeline's own, in order
    const own = seen.revs.filter((r) => r.ordinal === rec.ordinal);
    expect(s.revs.map((r) => [r.t, r.ok === 1 ? r.lroUm : null])).toEqual(own.map((r) => [r.t, r.ok === 1 ? r.lroUm : null]));
    const ok = own.filter((r) => r.ok === 1);
    const lastComp = ok.filter((r) => r.phase === 1 && r.comp === 1).at(-1)!;
    const lastCheck = ok.filter((r) => r.phase === 3).at(-1)!;
    const state = s;
    expect(state.before!.lroUm).toBe(lastComp.lroUm);
    expect(state.after, `no runout shape after the cut: ${JSON.stringify({ checks: ok.filter((r) => r.phase === 3).length, passes: rec.passes, revs: s.revs.map((r) => r.t).slice(-6), latest: s.latest, t: lastCheck.t })}`).not.toBeNull();
    expect(state.after!.lroUm).toBe(lastCheck.lroUm);
    // the drawn shape's peak-to-peak is the revolution's runout within the 5° binning and the probe noise
    const um = state.before!.um.filter((v): v is number => v !== null);
    expect(Math.max(...um) - Math.min(...um)).toBeGreaterThan(0.6 * lastComp.lroUm);
    expect(Math.max(...um) - Math.min(...um)).toBeLessThan(1.6 * lastComp.lroUm + 10);
    expect(state.spectrum!.amp.length).toBe(513);
    expect(state.spectrum!.df).toBeCloseTo(3200 / 1024, 6);
    expect(state.health.vib.framesOk).toBeGreaterThan(0);
    expect(state.health.run.framesOk).toBeGreaterThan(0);
    expect(await page.locator("#spectrum canvas").count()).toBeGreaterThan(0);

    // units: thou
    await page.selectOption("#units", "thou");
    expect(await page.locator("#lro-limit").textContent()).toBe(`${(50 / 25.4).toFixed(2)} thou`);
    await page.screenshot({ path: artifact("live-thou.png"), fullPage: true });
    await page.selectOption("#units", "um");
  });

  it("the label form stores a label in the job log (source dashboard); history, job page and report show the job", async () => {
    const rec = chosenRecord!;
    await until("the job in the log", () => page.request.get(`${base}/api/jobs/${encodeURIComponent(rec.id)}`).then((r) => r.ok()));
    await page.goto(`${base}/jobs?status=complete`);
    await until("the history row", () => page.locator(`tr.job[data-id="${rec.id}"]`).count());
    await page.screenshot({ path: artifact("jobs.png"), fullPage: true });
    await page.goto(`${base}/jobs?status=interrupted`);
    await until("the filtered history", () => page.locator("#jobs tr").count().then((n) => n > 1));
    const interrupted = (await (await page.request.get(`${base}/api/jobs?status=interrupted`)).json()) as { jobs: { id: string; status: string }[] };
    expect(interrupted.jobs.every((j) => j.status === "interrupted")).toBe(true);
    expect(await page.locator("tr.job").count()).toBe(interrupted.jobs.length);
    expect(await page.locator(`tr.job[data-id="${rec.id}"]`).count()).toBe(0);

    await page.goto(`${base}/jobs/${encodeURIComponent(rec.id)}`);
    await until("the job page", () => page.locator("#job-pre").count());
    expect(Number(await page.locator("#job-pre").getAttribute("data-value"))).toBe(rec.measured.lroPreUm);
    expect(await page.locator("#polar").isVisible()).toBe(true);
    await page.selectOption("#label select[name=judder]", "yes");
    await page.fill("#label input[name=dtvUm]", "12.5");
    await page.fill("#label input[name=raUm]", "1.1");
    await page.fill("#label input[name=who]", "e2e");
    await page.click("#label button");
    await until("the label saved", () => page.locator("#label-result").textContent().then((t) => t?.endsWith("saved")));
    await page.screenshot({ path: artifact("job.png"), fullPage: true });
    const log = JobLog.open(db);
    try {
      const labels = log.labelHistory(rec.id);
      expect(labels.map((l) => [l.judder, l.dtvUm, l.raUm, l.source, l.who])).toEqual([[true, 12.5, 1.1, "dashboard", "e2e"]]);
    } finally {
      log.close();
    }
    const bad = await page.request.post(`${base}/api/jobs/${encodeURIComponent(rec.id)}/labels`, { data: { dtvUm: -3 } });
    expect(bad.status()).toBe(400);
    expect((await page.request.post(`${base}/api/jobs/no-such-job/labels`, { data: { judder: "no" } })).status()).toBe(404);

    await page.fill("#meta input[name=repairOrder]", "RO-4711");
    await page.fill("#meta input[name=vehicle]", "VW Golf 2016");
    await page.selectOption("#meta select[name=wheel]", "FL");
    await page.click("#meta button");
    await until("the repair order saved", () => page.locator("#meta-result").textContent().then((t) => t?.startsWith("saved")));

    await page.goto(`${base}/jobs/${encodeURIComponent(rec.id)}/report`);
    expect(await page.locator("#r-ro").textContent()).toBe("RO-4711");
    expect(await page.locator("#r-pre").textContent()).toContain(`${rec.measured.lroPreUm!.toFixed(1)} µm`);
    expect(await page.locator("#r-post").textContent()).toContain(`${rec.measured.lroPostUm!.toFixed(1)} µm`);
    // the DTV label (12.5 µm ≤ 15) and Ra (1.1 ≤ 3.2) are judged now; runout after the cut decides the rest
    expect(await page.locator("#r-verdict").textContent()).toBe(rec.measured.lroPostUm! <= 50 ? "PASS" : "FAIL");
    await page.screenshot({ path: artifact("report.png"), fullPage: true });
    const pdf = await page.request.get(`${base}/jobs/${encodeURIComponent(rec.id)}/report.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const bytes = await pdf.body();
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    await writeFile(artifact("report.pdf"), bytes);
  });

  it("the models page shows the learners' live scores, equal to the learners' own; promote and rollback act on the running learner", async () => {
    const rec = chosenRecord!;
    await page.goto(`${base}/models`);
    await until("the page's WebSocket", () => page.locator("#conn").textContent().then((t) => t === "live"));
    // the dashboard's label (test 2) reached the judder learner through the job log: its first version
    await until("judder-v1", () => seen.learners.judder?.version === "judder-v1");
    const judder = seen.learners.judder;
    // the learner scored that label against the p it issued for the job before learning it
    expect(judder.scores).toMatchObject({ labels: 1, n: 1, accuracy: rec.judder.p! >= 0.5 ? 1 : 0, auc: null });
    // residual runout labels itself from each complete job's check pass: its running MAE is the records'
    const done = seen.records.filter((r) => r.status === "complete" && r.measured.lroPostUm !== null && r.cutQuality.lroPostUm !== null);
    await until("residual-runout scored every complete job", () => seen.learners["residual-runout"]?.scores.labels === done.length);
    const mae = done.reduce((a, r) => a + Math.abs(r.cutQuality.lroPostUm! - r.measured.lroPostUm!), 0) / done.length;
    expect((seen.learners["residual-runout"].scores as { mae: number }).mae).toBeCloseTo(mae, 3);

    /** The learners' rows as the page shows them, cell by cell. */
    const shown = () => page.evaluate(learnerRows);
    const expected = () => Object.values(seen.learners).sort((a, b) => a.kind.localeCompare(b.kind)).map((st) => {
      const sc = st.scores as unknown as Record<string, number | null>;
      const v = (x: unknown) => (x === null || x === undefined ? "" : String(x));
      return [st.kind, { version: v(st.version), source: st.source, learned: v(st.labels), labels: v(sc.labels), n: v(sc.n), auc: v(sc.auc), f1: v(sc.f1), accuracy: v(sc.accuracy), mae: v(sc.mae), rollbacks: v(st.rollbacks) }];
    });
    await until("the page showing the learners' own figures", async () => JSON.stringify(await shown()) === JSON.stringify(expected()), 5000);
    expect((await shown()).map(([k]) => k)).toEqual(["judder", "ra", "residual-runout"]);
    expect(await page.locator("#acts-on").textContent()).toContain("the running learner takes it up");
    await page.screenshot({ path: artifact("models.png"), fullPage: true });

    // a second label of the job: judder-v2, registered with the scores at that moment
    expect((await page.request.post(`${base}/api/jobs/${encodeURIComponent(rec.id)}/labels`, { data: { judder: "no" } })).status()).toBe(200);
    await until("judder-v2", () => seen.learners.judder?.version === "judder-v2");
    const check = JobLog.open(db);
    try {
      expect(check.models.get("judder-v2")).toMatchObject({ parent: "judder-v1", active: true, metrics: { ...seen.learners.judder.scores, labels: 2 } });
    } finally {
      check.close();
    }
    await page.reload();
    await until("the models", () => page.locator('tr.model[data-version="judder-v2"] td.state').textContent().then((t) => t === "active"));
    // roll back from the page: the running learner continues from judder-v1, and the page says so live
    await page.click('button[data-rollback="judder"]');
    await until("rolled back", () => page.locator("#model-result").textContent().then((t) => t === "judder: judder-v1 is now active"));
    await until("the learner on judder-v1", () => seen.learners.judder.version === "judder-v1" && seen.learners.judder.cause === "adopted");
    await until("the page showing it", () => page.locator('tr.learner[data-kind="judder"] td[data-k="version"]').getAttribute("data-value").then((v) => v === "judder-v1"));
    await page.click('button[data-promote="judder-v2"]');
    await until("promoted", () => page.locator("#model-result").textContent().then((t) => t === "judder: judder-v2 is now active"));
    await until("the learner on judder-v2", () => seen.learners.judder.version === "judder-v2");
    await until("the page showing it", () => page.locator('tr.learner[data-kind="judder"] td[data-k="version"]').getAttribute("data-value").then((v) => v === "judder-v2"));
    // promoting an unknown version is refused with the registry's reason
    const bad = await page.request.post(`${base}/api/models/no-such/promote`);
    expect(bad.status()).toBe(404);
  });
});

if (!haveChromium) {
  describe("dashboard browser tests", () => {
    it.skip(SKIP_REASON, () => undefined);
  });
}
