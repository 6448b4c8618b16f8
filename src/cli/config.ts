// `edgeprop config schema`: prints the JSON Schema of the installation file (for editors).
// `edgeprop config check FILE`: validates an installation config the way `run` would load it (the
// file's schema, then each plugin: module, versions, dependencies, its config, channels) without
// starting anything. Prints OK, or each error as `CODE path: message (expected …)`; exit 1 on errors.
import { parseArgs } from "node:util";
import { Host, installationSchema, isRuntimeError, loadConfigFile, RuntimeErrors, z } from "../runtime/index.ts";

export interface Output {
  write(text: string): unknown;
}

const USAGE = "usage: edgeprop config check FILE\n       edgeprop config schema\n";

export async function runConfig(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
  const [sub, file, ...extra] = positionals;
  if (sub === "schema" && !file) {
    out.write(`${JSON.stringify(z.toJSONSchema(installationSchema, { io: "input" }), null, 2)}\n`);
    return 0;
  }
  if (sub !== "check" || !file || extra.length > 0) {
    err.write(USAGE);
    return 2;
  }
  try {
    const config = await loadConfigFile(file);
    const host = await Host.load(config);
    const names = host.plugins().map((p) => p.name);
    out.write(`OK ${file}: ${names.length} plugin${names.length === 1 ? "" : "s"}${names.length ? ` (${names.join(", ")})` : ""}\n`);
    return 0;
  } catch (e) {
    const errors = e instanceof RuntimeErrors ? e.errors : isRuntimeError(e) ? [e] : null;
    if (!errors) throw e;
    for (const x of errors) out.write(`${x.describe()}\n`);
    err.write(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
    return 1;
  }
}
