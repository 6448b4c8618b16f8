// Counts garbage collections caused by a hot loop, measured in a child process with Node's default
// heap flags (so the test runner's own garbage cannot interfere).
//
// The child script's default export prepares everything (build, warm-up) and returns the hot loop:
//   export default async function prepare(args: string[]): Promise<() => void>
// The runner lets start-up garbage settle, observes 'gc' performance entries only while the returned
// function runs, and reports the count (a full run is repeated once when the first saw GC, see
// gc-child-runner.ts for why).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface GcCount {
  /** GC entries observed while the hot loop ran (its counted run: see gc-child-runner.ts). */
  gc: number;
  /** GC entries of each full run: a second run happens only when the first one saw GC. */
  runs: number[];
  /** Wall time of the hot loop in milliseconds. */
  ms: number;
  /** Whatever the child printed before the result line. */
  output: string;
}

const runner = fileURLToPath(new URL("./gc-child-runner.ts", import.meta.url));

export function countGcInChild(script: string, args: string[] = []): Promise<GcCount> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", runner, script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = out.trimEnd().split("\n");
      const last = lines.pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) {
        reject(new Error(`gc child ${script} exited with ${code}\n${out}\n${err}`));
        return;
      }
      const result = JSON.parse(last) as { gc: number; ms: number; runs: number[] };
      resolve({ gc: result.gc, ms: result.ms, runs: result.runs, output: lines.join("\n") });
    });
  });
}
