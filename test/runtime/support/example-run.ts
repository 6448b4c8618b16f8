// Runs the example plugin inside an installation folder between a producer and a consumer made
// here (handed to the host as preloaded modules). Also a script: `node --import tsx example-run.ts
// DIR MODULE` prints the result as JSON, which is how the test runs the npm-package case (vitest
// loads packages in node_modules natively, without the TypeScript loader the edgeprop bin registers).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfigFile } from "../../../src/runtime/config.ts";
import { Host, type PluginInfo } from "../../../src/runtime/host.ts";
import { definePlugin, numericChannel, z } from "../../../src/runtime/index.ts";
import { writeFile } from "./installation.ts";

// The other ends of the example's channels, declared by name and fields as a built-in would.
const input = numericChannel("example.in", { fields: ["t", "v"], capacity: 64 });
const scaled = numericChannel("example.scaled", { fields: ["t", "v"] });

export const producer = definePlugin({ name: "producer", version: "1.0.0", host: "*", config: z.object({}), writes: [input], drivesClock: true }, (ctx) => {
  const w = ctx.channels.writer(input);
  return {
    start: () => {
      for (let i = 1; i <= 5; i++) {
        ctx.clock.advanceTo(i * 1000);
        w.writeRow([i * 1000, i]);
      }
    },
  };
});

export function consumer(got: number[][]) {
  return definePlugin({ name: "consumer", version: "1.0.0", host: "*", config: z.object({}), reads: [scaled], dependencies: ["edgeprop-plugin-example"] }, (ctx) => {
    const row = new Float64Array(2);
    ctx.channels.reader(scaled, (r) => {
      while (r.readRow(row)) got.push([row[0], row[1]]);
    });
    return {};
  });
}

export const yaml = (module: string) => `
host:
  dataDir: data
plugins:
  producer: { module: "test:producer" }
  edgeprop-plugin-example:
    module: ${module}
    config:
      gain: 3
  consumer:
    module: "test:consumer"
`;

export async function runExample(dir: string, module: string): Promise<{ got: number[][]; summary: unknown; plugins: PluginInfo[]; items: number | undefined }> {
  const config = await loadConfigFile(writeFile(dir, "edgeprop.yaml", yaml(module)));
  const got: number[][] = [];
  const host = await Host.load(config, { preloaded: { "test:producer": producer, "test:consumer": consumer(got) } });
  await host.start();
  await new Promise((r) => setTimeout(r, 0));
  await host.stop();
  const summary = JSON.parse(readFileSync(join(dir, "data", "edgeprop-plugin-example", "summary.json"), "utf8")) as unknown;
  return { got, summary, plugins: host.plugins(), items: host.metrics.value("edgeprop-plugin-example.items") };
}


if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [dir, module] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await runExample(dir, module))}\n`);
}
