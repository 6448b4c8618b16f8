// `edgeprop models list [--kind K] [--json]`, `models promote VERSION`, `models rollback [--kind K]`:
// the model registry in the job log. Rollback makes the active model's parent active again (the
// kind may be omitted when the registry holds one kind only). Both are recorded as events.
import { parseArgs } from "node:util";
import { StoreError, StoreErrorCodes, type JobLog, type ModelInfo } from "../store/index.ts";
import { dbOptions, failure, openLog, type Output } from "./store-open.ts";

const USAGE = `usage: edgeprop models list [--kind K] [--json] [--db FILE]
       edgeprop models promote VERSION [--db FILE]
       edgeprop models rollback [--kind K] [--db FILE]
`;

function line(m: ModelInfo): string {
  const metrics = Object.entries(m.metrics).map(([k, v]) => `${k}=${typeof v === "number" ? Number(v.toFixed(4)) : JSON.stringify(v)}`).join(" ");
  return `${m.active ? "*" : " "} ${m.version.padEnd(16)} ${m.kind.padEnd(12)} ${new Date(m.created).toISOString().slice(0, 19)}  parent ${(m.parent ?? "-").padEnd(16)} ${m.hasBlob ? "(in log)" : m.path ?? ""}  ${metrics}`;
}

function kindOf(log: JobLog, kind: string | undefined): string {
  if (kind) return kind;
  const kinds = log.models.kinds();
  if (kinds.length === 1) return kinds[0];
  throw new StoreError(StoreErrorCodes.BAD_INPUT, kinds.length === 0 ? "no models registered" : `several kinds of models (${kinds.join(", ")}): say which with --kind`);
}

export async function runModels(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  let log: JobLog | null = null;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...dbOptions, kind: { type: "string" }, json: { type: "boolean", default: false } } });
    const [sub, version, ...extra] = positionals;
    const ok = (sub === "list" && !version) || (sub === "promote" && version) || (sub === "rollback" && !version);
    if (!ok || extra.length) {
      err.write(USAGE);
      return 2;
    }
    log = openLog(values, err);
    if (sub === "list") {
      const models = log.models.list(values.kind);
      if (values.json) out.write(`${JSON.stringify(models)}\n`);
      else if (models.length === 0) out.write("no models registered\n");
      else for (const m of models) out.write(`${line(m)}\n`);
    } else if (sub === "promote") {
      const m = log.models.promote(version!, "by the models command");
      out.write(`${m.kind} model ${m.version} is now active\n`);
    } else {
      const kind = kindOf(log, values.kind);
      const from = log.models.active(kind)?.version;
      const m = log.models.rollback(kind, `by the models command, from ${from}`);
      out.write(`${kind} model rolled back from ${from} to ${m.version}\n`);
    }
    return 0;
  } catch (e) {
    return failure("models", e, err);
  } finally {
    log?.close();
  }
}
