// `edgeprop label (ID | --ordinal N) [--judder yes|no] [--dtv-um X] [--ra-um Y] [--who NAME]`:
// adds a label to a job (at least one value), stored with who gave it (source `cli`, --who or $USER)
// and when. A running controller's job-log plugin polls for new labels every ≤ 250 ms and hands
// them to the learner, so the label is taken within a second.
import { parseArgs } from "node:util";
import { getJob, getJobByOrdinal, StoreError, StoreErrorCodes, type JobLog } from "../store/index.ts";
import { dbOptions, failure, openLog, type Output } from "./store-open.ts";

const USAGE = "usage: edgeprop label (ID | --ordinal N) [--judder yes|no] [--dtv-um X] [--ra-um Y] [--who NAME] [--db FILE]\n";

function number(name: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x < 0) throw new StoreError(StoreErrorCodes.BAD_INPUT, `--${name} must be a number ≥ 0 (µm), got '${v}'`);
  return x;
}

function yesNo(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const s = v.toLowerCase();
  if (s === "yes" || s === "y" || s === "true" || s === "1") return true;
  if (s === "no" || s === "n" || s === "false" || s === "0") return false;
  throw new StoreError(StoreErrorCodes.BAD_INPUT, `--judder must be yes or no, got '${v}'`);
}

export async function runLabel(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  let log: JobLog | null = null;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...dbOptions, ordinal: { type: "string" }, judder: { type: "string" }, "dtv-um": { type: "string" }, "ra-um": { type: "string" }, who: { type: "string" } },
    });
    if ((positionals.length === 1) === (values.ordinal !== undefined) || positionals.length > 1) {
      err.write(`edgeprop label: name the job by ID or by --ordinal N (one of them)\n${USAGE}`);
      return 2;
    }
    const judder = yesNo(values.judder);
    const dtvUm = number("dtv-um", values["dtv-um"]);
    const raUm = number("ra-um", values["ra-um"]);
    if (judder === null && dtvUm === null && raUm === null) {
      err.write(`edgeprop label: give at least one of --judder, --dtv-um, --ra-um\n${USAGE}`);
      return 2;
    }
    log = openLog(values, err);
    const job = positionals.length === 1 ? getJob(log.db, positionals[0]) : getJobByOrdinal(log.db, Number(values.ordinal));
    if (!job) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no job ${positionals[0] ?? `with ordinal ${values.ordinal}`} in ${log.file}`, log.file);
    const who = values.who ?? process.env.USER ?? null;
    const id = log.addLabel({ jobId: job.id, judder, dtvUm, raUm, source: "cli", who });
    const now = getJob(log.db, job.id)!.labels!;
    out.write(`label #${id} on job ${job.id} (ordinal ${job.ordinal ?? "-"}): judder ${now.judder === null ? "-" : now.judder ? "yes" : "no"}, dtv ${now.dtvUm ?? "-"} µm, ra ${now.raUm ?? "-"} µm\n`);
    return 0;
  } catch (e) {
    return failure("label", e, err);
  } finally {
    log?.close();
  }
}
