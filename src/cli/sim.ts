// `edgeprop sim`: runs the firmware simulator as two serial devices (--pty) or into capture files
// (--out DIR). See firmware-sim/README.md.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { FaultPlan } from "../../firmware-sim/faults.ts";

const HELP = `usage: edgeprop sim [--scenario NAME] [--jobs N] [--seed S] (--pty [--speed X] | --out DIR)

Simulates the VIB and RUN sensor boards on an on-car brake lathe, byte-exact to the datasheet.

  --scenario NAME     one of the scenarios below (default good)
  --jobs N            number of jobs (default: the scenario's)
  --seed S            seed; the same seed gives the same bytes (default 1)
  --pty               serve the boards on two pty pairs (needs socat); prints one JSON line
                      {"vib": "/dev/pts/N", "run": "/dev/pts/M"}, then streams until the last job
                      ends or SIGINT / SIGTERM (socat is torn down). Commands are answered.
  --speed X           board seconds per wall second with --pty (default 1; "max" = no pacing)
  --wait-ms MS        with --pty: wait this long after printing the paths before streaming (default 0)
  --out DIR           write vib.bin, run.bin, labels.jsonl, truth.jsonl into DIR
  --clock-start US    board clock at power-up (u32; e.g. 4294000000 to cross the 2^32 wrap)
  --real-length-cut   cuts of ~4 minutes instead of a few dozen revolutions
  --abort-p P         probability a job is aborted; --recut-p P: probability of a re-cut
  --faults JSON|@FILE fault plan (firmware-sim/faults.ts), e.g.
                      '{"resets":[{"board":"run","atS":20}],"corruptFrameP":0.001}'
  --help              this text
`;

export async function runSim(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        scenario: { type: "string", default: "good" },
        jobs: { type: "string" },
        seed: { type: "string", default: "1" },
        pty: { type: "boolean", default: false },
        speed: { type: "string", default: "1" },
        "wait-ms": { type: "string", default: "0" },
        out: { type: "string" },
        "clock-start": { type: "string" },
        "real-length-cut": { type: "boolean", default: false },
        "abort-p": { type: "string" },
        "recut-p": { type: "string" },
        faults: { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`edgeprop sim: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { Simulator, scenarioNames, writeCaptures, openPtyLink } = await import("../../firmware-sim/index.ts");
  const scenarioList = `scenarios: ${scenarioNames().join(", ")}\n`;
  if (args.help) {
    process.stdout.write(HELP + "\n" + scenarioList);
    return 0;
  }
  if (args.pty === (args.out !== undefined)) {
    process.stderr.write(`edgeprop sim: give exactly one of --pty or --out DIR\n\n${HELP}`);
    return 2;
  }
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${v}'`);
    return n;
  };
  let sim;
  try {
    let faults: FaultPlan | undefined;
    if (args.faults) {
      const text = args.faults.startsWith("@") ? readFileSync(args.faults.slice(1), "utf8") : args.faults;
      faults = JSON.parse(text) as FaultPlan;
    }
    sim = new Simulator({
      scenario: args.scenario,
      jobs: num("jobs", args.jobs),
      seed: num("seed", args.seed),
      clockStartUs: num("clock-start", args["clock-start"]),
      realLengthCut: args["real-length-cut"],
      abortP: num("abort-p", args["abort-p"]),
      recutP: num("recut-p", args["recut-p"]),
      faults,
    });
  } catch (e) {
    process.stderr.write(`edgeprop sim: ${(e as Error).message}\n${scenarioList}`);
    return 2;
  }

  if (args.out !== undefined) {
    const t0 = performance.now();
    const s = writeCaptures(sim, args.out);
    const wall = (performance.now() - t0) / 1000;
    process.stderr.write(
      `sim: ${s.jobs} jobs, ${s.simSeconds.toFixed(1)} s of board time in ${wall.toFixed(2)} s ` +
        `(${(s.simSeconds / wall).toFixed(0)}× real time); vib.bin ${s.bytes.vib} B, run.bin ${s.bytes.run} B → ${s.dir}\n`,
    );
    return 0;
  }

  const speed = args.speed === "max" ? Infinity : Number(args.speed);
  if (!(speed > 0)) {
    process.stderr.write(`edgeprop sim: --speed must be > 0 or "max", got '${args.speed}'\n`);
    return 2;
  }
  let link;
  try {
    link = await openPtyLink(sim, { speed });
  } catch (e) {
    process.stderr.write(`edgeprop sim: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify(link.paths) + "\n");
  process.stderr.write(`sim: stable links ${JSON.stringify(link.links)}\n`);
  const stopOnSignal = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const waitMs = num("wait-ms", args["wait-ms"]) ?? 0;
  await Promise.race([new Promise((r) => setTimeout(r, waitMs)), stopOnSignal]);
  link.start();
  const how = await Promise.race([link.done.then(() => "end"), stopOnSignal]);
  await link.stop();
  process.stderr.write(`sim: stopped (${how}) after ${(sim.simUs / 1e6).toFixed(1)} s of board time, ${sim.jobs.length} jobs\n`);
  return 0;
}
