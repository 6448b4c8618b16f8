// `edgeprop jobs list [--json] [--limit N]`, `jobs show ID [--json]`,
// `jobs export --format csv|jsonl [--out FILE] [--since DATE]`,
// `jobs annotate ID [--repair-order R] [--vehicle V] [--wheel FL|FR|RL|RR] [--technician T]`,
// `jobs capture ID [--captures DIR]` (the folder of the job's raw capture, for `replay --dir`),
// `jobs pin ID [--unpin]` (a pinned capture is never deleted to keep the quota).
// All take `--db FILE` (default: the controller's log) and `--fresh-log`.
import { createWriteStream } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getJob, iterateJobs, jobCaptures, pinCapture, jobFeatures, listJobs, StoreError, StoreErrorCodes, type JobLog, type StoredJob } from "../store/index.ts";
import { dbOptions, failure, openLog, type Output } from "./store-open.ts";

const USAGE = `usage: edgeprop jobs list [--json] [--limit N] [--db FILE]
       edgeprop jobs show ID [--json] [--db FILE]
       edgeprop jobs export --format csv|jsonl [--out FILE] [--since YYYY-MM-DD] [--db FILE]
       edgeprop jobs annotate ID [--repair-order R] [--vehicle V] [--wheel FL|FR|RL|RR] [--technician T] [--db FILE]
       edgeprop jobs capture ID [--captures DIR] [--db FILE]   (default DIR: captures beside the log)
       edgeprop jobs pin ID [--unpin] [--db FILE]
`;

const fmt = (v: number | null | undefined, digits = 1): string => (v == null ? "-" : v.toFixed(digits));

function labelText(j: StoredJob): string {
  if (!j.labels) return "-";
  const parts: string[] = [];
  if (j.labels.judder !== null) parts.push(`judder=${j.labels.judder ? "yes" : "no"}`);
  if (j.labels.dtvUm !== null) parts.push(`dtv=${j.labels.dtvUm}µm`);
  if (j.labels.raUm !== null) parts.push(`ra=${j.labels.raUm}µm`);
  return parts.join(" ");
}

function listLine(j: StoredJob): string {
  const when = j.startedAt ?? new Date(j.loggedAt).toISOString();
  const judder = j.judder.p === null ? "-" : `${j.judder.p.toFixed(2)}${j.judder.flag ? " FLAG" : ""} (${j.judder.source})`;
  return [j.id.padEnd(14), String(j.ordinal ?? "-").padStart(4), when.slice(0, 19).padEnd(19), j.status.padEnd(11),
    `pre ${fmt(j.measured.lroPreUm)} post ${fmt(j.measured.lroPostUm)} µm`.padEnd(26), judder.padEnd(20), labelText(j)].join("  ");
}

/** Flat columns of the CSV export (one row per job). */
export const CSV_COLUMNS: Array<[string, (j: StoredJob) => unknown]> = [
  ["id", (j) => j.id], ["session", (j) => j.session], ["ordinal", (j) => j.ordinal], ["boardStartUs", (j) => j.boardStartUs],
  ["startedAt", (j) => j.startedAt], ["loggedAt", (j) => new Date(j.loggedAt).toISOString()], ["status", (j) => j.status], ["reason", (j) => j.reason],
  ["revMeasure", (j) => j.revolutions.measure], ["revCut", (j) => j.revolutions.cut], ["revCheck", (j) => j.revolutions.check], ["passes", (j) => j.passes],
  ["rpm", (j) => j.measured.rpm], ["lroPreUm", (j) => j.measured.lroPreUm], ["lroPostUm", (j) => j.measured.lroPostUm],
  ["judderP", (j) => j.judder.p], ["judderFlag", (j) => j.judder.flag], ["judderSource", (j) => j.judder.source], ["judderModel", (j) => j.judder.modelVersion],
  ["estLroPostUm", (j) => j.cutQuality.lroPostUm], ["estRaUm", (j) => j.cutQuality.raUm], ["cutQualitySource", (j) => j.cutQuality.source], ["cutQualityModel", (j) => j.cutQuality.modelVersion],
  ["labelJudder", (j) => j.labels?.judder], ["labelDtvUm", (j) => j.labels?.dtvUm], ["labelRaUm", (j) => j.labels?.raUm],
  ["repairOrder", (j) => j.meta?.repairOrder], ["vehicle", (j) => j.meta?.vehicle], ["wheel", (j) => j.meta?.wheel], ["technician", (j) => j.meta?.technician],
  ["alarms", (j) => (j.alarms.length ? JSON.stringify(j.alarms) : "")],
];

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function requireJob(log: JobLog, id: string): StoredJob {
  const job = getJob(log.db, id);
  if (!job) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no job '${id}' in ${log.file}`, log.file);
  return job;
}

function show(log: JobLog, id: string, json: boolean, out: Output): void {
  const j = requireJob(log, id);
  if (json) {
    out.write(`${JSON.stringify(j)}\n`);
    return;
  }
  out.write(`${listLine(j)}\n`);
  out.write(`  reason: ${j.reason ?? "-"}   revolutions: measure ${j.revolutions.measure}, cut ${j.revolutions.cut}, check ${j.revolutions.check}   passes: ${j.passes}   rpm: ${fmt(j.measured.rpm)}\n`);
  out.write(`  cut quality estimate: post-cut LRO ${fmt(j.cutQuality.lroPostUm)} µm, Ra ${fmt(j.cutQuality.raUm, 2)} µm (${j.cutQuality.source}${j.cutQuality.modelVersion ? ` ${j.cutQuality.modelVersion}` : ""})\n`);
  if (j.meta) out.write(`  repair order: ${j.meta.repairOrder ?? "-"}  vehicle: ${j.meta.vehicle ?? "-"}  wheel: ${j.meta.wheel ?? "-"}  technician: ${j.meta.technician ?? "-"}\n`);
  for (const l of log.labelHistory(id)) {
    out.write(`  label #${l.id} ${new Date(l.time).toISOString()} by ${l.source}${l.who ? ` (${l.who})` : ""}: judder ${l.judder === null ? "-" : l.judder ? "yes" : "no"}, dtv ${l.dtvUm ?? "-"} µm, ra ${l.raUm ?? "-"} µm\n`);
  }
  const revs = jobFeatures(log.db, id);
  if (revs.length > 0) out.write(`  features: ${revs.length} revolutions × ${revs[0].values.length} values (layout v${revs[0].namesVersion})\n`);
  if (j.alarms.length) out.write(`  alarms: ${JSON.stringify(j.alarms)}\n`);
}

async function exportJobs(log: JobLog, format: string, file: string | undefined, since: number, out: Output): Promise<number> {
  const sink = file ? createWriteStream(file) : null;
  let closed = false;
  // A reader that goes away (`| head`) ends the export quietly instead of crashing on EPIPE.
  const stream = out as Partial<NodeJS.WritableStream>;
  if (!sink && typeof stream.once === "function") {
    stream.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      closed = true;
    });
  }
  const write = async (s: string): Promise<void> => {
    if (!sink) return void out.write(s);
    if (!sink.write(s)) await new Promise<void>((res) => sink.once("drain", () => res())); // keep memory flat on a large log
  };
  let n = 0;
  if (format === "csv") await write(`${CSV_COLUMNS.map(([name]) => name).join(",")}\n`);
  for (const j of iterateJobs(log.db, { since })) {
    if (closed) break;
    await write(format === "csv" ? `${CSV_COLUMNS.map(([, get]) => csvCell(get(j))).join(",")}\n` : `${JSON.stringify(j)}\n`);
    if (++n % 64 === 0) await new Promise((res) => setImmediate(res)); // lets an EPIPE be seen
  }
  if (sink) await new Promise<void>((res, rej) => sink.end((e?: Error | null) => (e ? rej(e) : res())));
  return n;
}

export async function runJobs(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  let log: JobLog | null = null;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...dbOptions, json: { type: "boolean", default: false }, limit: { type: "string" }, format: { type: "string" }, out: { type: "string" }, since: { type: "string" },
        "repair-order": { type: "string" }, vehicle: { type: "string" }, wheel: { type: "string" }, technician: { type: "string" },
        captures: { type: "string" }, unpin: { type: "boolean", default: false },
      },
    });
    const [sub, id, ...extra] = positionals;
    const needsId = sub === "show" || sub === "annotate" || sub === "capture" || sub === "pin";
    if (!["list", "show", "export", "annotate", "capture", "pin"].includes(sub ?? "") || (needsId && !id) || (!needsId && id) || extra.length) {
      err.write(USAGE);
      return 2;
    }
    if (sub === "export" && values.format !== "csv" && values.format !== "jsonl") {
      err.write(`edgeprop jobs export: --format must be csv or jsonl\n${USAGE}`);
      return 2;
    }
    const since = values.since ? Date.parse(values.since) : 0;
    if (Number.isNaN(since)) {
      err.write(`edgeprop jobs: --since '${values.since}' is not a date (YYYY-MM-DD)\n`);
      return 2;
    }
    log = openLog(values, err);
    if (sub === "list") {
      const limit = values.limit ? Number.parseInt(values.limit, 10) : 50;
      const jobs = listJobs(log.db, { limit, since });
      if (values.json) out.write(`${JSON.stringify(jobs)}\n`);
      else if (jobs.length === 0) out.write(`no jobs in ${log.file}\n`);
      else for (const j of jobs) out.write(`${listLine(j)}\n`);
    } else if (sub === "show") {
      show(log, id!, values.json, out);
    } else if (sub === "export") {
      const n = await exportJobs(log, values.format!, values.out, since, out);
      if (values.out) err.write(`exported ${n} jobs to ${values.out}\n`);
    } else if (sub === "capture" || sub === "pin") {
      requireJob(log, id!);
      const files = jobCaptures(log.db, id!);
      if (files.length === 0) {
        err.write(`edgeprop jobs ${sub}: job ${id} has no raw capture (plugin job-captures off, deleted for the quota, or stopped by a full disk)\n`);
        return 1;
      }
      if (sub === "pin") {
        pinCapture(log.db, id!, !values.unpin);
        out.write(`job ${id}: capture ${values.unpin ? "unpinned (may be deleted for the quota)" : "pinned (kept under any quota)"}\n`);
      } else {
        const dir = values.captures ? resolve(values.captures) : join(dirname(log.file), "captures");
        out.write(`${join(dir, files[0].path, "..")}\n`);
        for (const f of files) err.write(`  ${f.board}.bin  ${f.bytes} bytes  ${f.state}${f.pinned ? "  pinned" : ""}\n`);
      }
    } else {
      const meta = { repairOrder: values["repair-order"], vehicle: values.vehicle, wheel: values.wheel?.toUpperCase(), technician: values.technician };
      if (Object.values(meta).every((v) => v === undefined)) {
        err.write(`edgeprop jobs annotate: give at least one of --repair-order, --vehicle, --wheel, --technician\n`);
        return 2;
      }
      log.annotate(id!, meta);
      const j = requireJob(log, id!);
      out.write(`job ${id}: repair order ${j.meta?.repairOrder ?? "-"}, vehicle ${j.meta?.vehicle ?? "-"}, wheel ${j.meta?.wheel ?? "-"}, technician ${j.meta?.technician ?? "-"}\n`);
    }
    return 0;
  } catch (e) {
    return failure("jobs", e, err);
  } finally {
    log?.close();
  }
}
