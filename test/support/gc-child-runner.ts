// Child side of gc-count.ts: node --import tsx gc-child-runner.ts <script> [args...]
// Prints one JSON line {"gc": n, "ms": t, "runs": [...]} last.
//
// Why a second run: V8 optimises on a background thread. On a loaded machine the first timed run
// can start before the optimised code is installed, and the lower tiers box the doubles they add
// up, which shows as one or two GCs that have nothing to do with the code under test. So when the
// first full run sees GC, the same full run is repeated once more and that one counts. A loop that
// really allocates (the controls) sees GC in every run, so the proof keeps its teeth: zero means a
// whole run of the stated size, after warm-up, with no GC at all.
import { PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
const mod = (await import(pathToFileURL(script).href)) as {
  default: (args: string[]) => Promise<() => void>;
};
const hot = await mod.default(args);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function observedRun(): Promise<{ gc: number; ms: number }> {
  // Let start-up work (JIT, incremental marking begun during set-up) finish before observing.
  await pause(100);
  let gc = 0;
  const observer = new PerformanceObserver((list) => {
    gc += list.getEntries().length;
  });
  observer.observe({ entryTypes: ["gc"] });
  const t0 = performance.now();
  hot();
  const ms = performance.now() - t0;
  // GC entries are delivered asynchronously: give them time to arrive before reading the count.
  await pause(100);
  observer.disconnect();
  return { gc, ms };
}

const runs = [await observedRun()];
if (runs[0].gc > 0) runs.push(await observedRun());
const last = runs[runs.length - 1];
process.stdout.write(`${JSON.stringify({ gc: last.gc, ms: last.ms, runs: runs.map((r) => r.gc) })}\n`);
