// Child side of gc-count.ts: node --import tsx gc-child-runner.ts <script> [args...]
// Prints one JSON line {"gc": n, "ms": t} last.
import { PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
const mod = (await import(pathToFileURL(script).href)) as {
  default: (args: string[]) => Promise<() => void>;
};
const hot = await mod.default(args);

// Let start-up work (JIT, incremental marking begun during set-up) finish before observing.
await new Promise((r) => setTimeout(r, 100));

let gc = 0;
const observer = new PerformanceObserver((list) => {
  gc += list.getEntries().length;
});
observer.observe({ entryTypes: ["gc"] });
const t0 = performance.now();
hot();
const ms = performance.now() - t0;
// GC entries are delivered asynchronously: give them time to arrive before reading the count.
await new Promise((r) => setTimeout(r, 100));
observer.disconnect();
process.stdout.write(`${JSON.stringify({ gc, ms })}\n`);
