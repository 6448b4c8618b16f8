// `edgeprop backup FILE [--db LOG]`: a consistent copy of the job log (jobs, features, labels, the
// model registry, counters) while the controller runs, through SQLite's online backup; the copy is
// checked (integrity_check) before the command says it is done. Models registered by file path are
// listed: their files are not inside the log and must be copied with it.
import { parseArgs } from "node:util";
import { backupDatabase, checkLogFile, type JobLog } from "../store/index.ts";
import { dbOptions, failure, openLog, type Output } from "./store-open.ts";

export async function runBackup(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  let log: JobLog | null = null;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...dbOptions } });
    if (positionals.length !== 1) {
      err.write("usage: edgeprop backup FILE [--db LOG]\n");
      return 2;
    }
    const [dest] = positionals;
    log = openLog(values, err);
    const pages = await backupDatabase(log.db, dest);
    const checked = checkLogFile(dest);
    out.write(`backed up ${log.file} to ${dest}: ${checked.jobs} jobs, ${checked.models} models, ${pages} pages, integrity ok\n`);
    const byPath = log.models.list().filter((m) => !m.hasBlob && m.path);
    for (const m of byPath) out.write(`  note: model ${m.version} is a file outside the log, copy it too: ${m.path}\n`);
    return 0;
  } catch (e) {
    return failure("backup", e, err);
  } finally {
    log?.close();
  }
}
