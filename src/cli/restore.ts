// `edgeprop restore FILE [--db LOG]`: replaces the job log with a backup, after checking it
// (integrity_check, schema version this edgeprop can read). Refuses while a controller holds the
// log (its lock file names a live pid); keeps the replaced log beside it as `<log>.before-restore-<time>`.
import { parseArgs } from "node:util";
import { JobLog, restoreDatabase } from "../store/index.ts";
import { dbOptions, dbPath, failure, type Output } from "./store-open.ts";

export async function runRestore(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { db: dbOptions.db } });
    if (positionals.length !== 1) {
      err.write("usage: edgeprop restore FILE [--db LOG]\n");
      return 2;
    }
    const file = dbPath(values);
    const r = restoreDatabase(positionals[0], file);
    JobLog.open(file).close(); // brings an older backup's schema up to date now, not at the controller's start
    out.write(`restored ${positionals[0]} into ${file}: ${r.jobs} jobs, ${r.models} models (schema v${r.schemaVersion})\n`);
    if (r.keptAs) out.write(`the previous log is kept as ${r.keptAs}\n`);
    return 0;
  } catch (e) {
    return failure("restore", e, err);
  }
}
