// `edgeprop run`: the shop controller. On real boards (the default; config: --config FILE, else
// ./edgeprop.yaml, else edgeprop's config/default.yaml): finds and identifies the sensor boards,
// keeps them connected, optionally captures their bytes, prints a board status line, and runs the
// pipeline (job tracker → features → judder / cut-quality learners → records → console, JSON lines,
// job log, dashboard).
// With no boards it says so loudly and keeps looking; it never falls back to simulated data.
//
// `edgeprop run --sim`: the same controller against the firmware simulator on two ptys
// (config/sim.yaml), with its data in ./.edgeprop-demo (never a garage's log). It ends by itself
// when the simulated jobs are done (or on Ctrl-C).
// Both record the host's events (plugin failures and restarts, board faults) into the job log's
// `events` table when the config has the job-log plugin.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Host, InstallationConfig } from "../runtime/index.ts";
import { defaultDbPath, errorText } from "../store/index.ts";
import { recordHostEvents } from "../../plugins/job-log/host-events.ts";
import { DEFAULT_CONFIG_FILES } from "./plugins.ts";
import { loadInstallation, patchPlugin, shippedConfig, startHost } from "./pipeline.ts";

const USAGE = `usage: edgeprop run [options]          the controller on the real boards
       edgeprop run --sim [sim options]  the same controller on simulated boards (demo)

  --config FILE     installation config (default ./edgeprop.yaml, else edgeprop's config/default.yaml)
  --vib PATH        pin the VIB board's port (e.g. /dev/serial/by-id/usb-…); the HELLO decides
  --run PATH        pin the RUN board's port
  --boards JSON     the same as JSON: {"vib": PATH, "run": PATH, "reserved": [PATH, …]}
  --reserve PATH    a port that belongs to another plugin: never opened (repeatable)
  --capture DIR     append every received byte to DIR/vib.bin and DIR/run.bin
  --duration SEC    stop after SEC seconds (default: run until Ctrl-C; --sim: until the jobs are done)
  --status-ms MS    board status line interval (default 1000; --sim: none)
  --json            also print each job record as a JSON line on stdout

  --sim             run against the firmware simulator on two ptys (needs socat), data in ./.edgeprop-demo
  --jobs N          simulated jobs (default 5)
  --scenario NAME   simulator scenario (default mixed; see \`edgeprop sim --help\`)
  --seed S          simulator seed (default 1)
  --speed X         board seconds per wall second (default 1)
  --demo-dir DIR    where --sim keeps its data (default ./.edgeprop-demo)
`;

interface BoardsJson {
  vib?: string;
  run?: string;
  reserved?: string[];
}

export async function runRun(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        vib: { type: "string" },
        run: { type: "string" },
        boards: { type: "string" },
        reserve: { type: "string", multiple: true },
        capture: { type: "string" },
        duration: { type: "string" },
        "status-ms": { type: "string" },
        json: { type: "boolean", default: false },
        sim: { type: "boolean", default: false },
        jobs: { type: "string" },
        scenario: { type: "string" },
        seed: { type: "string" },
        speed: { type: "string" },
        "demo-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`edgeprop run: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let boards: BoardsJson = {};
  if (args.boards !== undefined) {
    try {
      boards = JSON.parse(args.boards) as BoardsJson;
    } catch (err) {
      process.stderr.write(`edgeprop run: --boards is not JSON: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const duration = args.duration === undefined ? undefined : Number(args.duration);
  if (duration !== undefined && !(duration > 0)) {
    process.stderr.write(`edgeprop run: --duration must be a positive number of seconds, got '${args.duration}'\n`);
    return 2;
  }
  const statusMs = args["status-ms"] === undefined ? (args.sim ? 0 : 1000) : Number(args["status-ms"]);
  if (!(statusMs === 0 || statusMs >= 50)) {
    process.stderr.write(`edgeprop run: --status-ms must be ≥ 50, got '${args["status-ms"]}'\n`);
    return 2;
  }
  if (!args.sim) {
    for (const opt of ["jobs", "scenario", "seed", "speed", "demo-dir"] as const) {
      if (args[opt] !== undefined) {
        process.stderr.write(`edgeprop run: --${opt} is for --sim only (the real boards are never simulated)\n`);
        return 2;
      }
    }
  }
  if (args.capture !== undefined) {
    try {
      await mkdir(args.capture, { recursive: true });
    } catch (err) {
      process.stderr.write(`edgeprop run: cannot create the capture directory: ${(err as Error).message}\n`);
      return 1;
    }
  }

  const file = args.config ?? (args.sim ? shippedConfig("sim.yaml") : (DEFAULT_CONFIG_FILES.find((f) => existsSync(f)) ?? shippedConfig("default.yaml")));
  const config = await loadInstallation(file, process.stderr);
  if (!config) return 1;
  const boardsPatch = {
    ...(args.vib ?? boards.vib ? { vib: args.vib ?? boards.vib } : {}),
    ...(args.run ?? boards.run ? { run: args.run ?? boards.run } : {}),
    reserved: [...(args.reserve ?? []), ...(boards.reserved ?? [])],
    ...(args.capture !== undefined ? { capture: args.capture } : {}),
    statusMs,
  };
  try {
    patchPlugin(config, "boards", boardsPatch);
    if (config.plugins["jsonl-log"] && args.json) patchPlugin(config, "jsonl-log", { stdout: true });
  } catch (err) {
    process.stderr.write(`edgeprop run: ${(err as Error).message}\n`);
    return 1;
  }
  if (args.sim) return runSim(config, args, duration);

  const events = hostEventsRecorder(config);
  const started = await startHost(config, process.stderr, events.start);
  if (!started) {
    events.stop();
    return 1;
  }
  await untilStopped(duration);
  await started.host.stop();
  events.stop();
  started.flush();
  return 0;
}

/**
 * Host events into the log of the config's job-log plugin (its `db`, else the default location);
 * nothing when the plugin is absent or disabled. A log that cannot be opened here (damaged: the
 * plugin reports it and may start a fresh one) only costs the event records, with a warning.
 */
function hostEventsRecorder(config: InstallationConfig): { start: (host: Host) => void; stop: () => void } {
  const entry = config.plugins["job-log"];
  let stop = (): void => undefined;
  if (!entry || entry.enabled === false) return { start: () => undefined, stop: () => stop() };
  const db = (entry.config as { db?: unknown } | undefined)?.db;
  const file = typeof db === "string" && db !== "" ? db : defaultDbPath();
  return {
    start: (host) => {
      try {
        stop = recordHostEvents(host.events, file, (err) => process.stderr.write(`edgeprop run: could not record a host event in ${file}: ${errorText(err)}\n`));
      } catch (err) {
        process.stderr.write(`edgeprop run: host events are not recorded in the job log (${errorText(err)})\n`);
      }
    },
    stop: () => stop(),
  };
}

function untilStopped(durationS: number | undefined, also?: Promise<unknown>): Promise<void> {
  return new Promise<void>((done) => {
    const finish = () => done();
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    if (durationS !== undefined) setTimeout(finish, durationS * 1000).unref();
    void also?.then(finish);
  });
}

async function runSim(
  config: InstallationConfig,
  args: { jobs?: string; scenario?: string; seed?: string; speed?: string; "demo-dir"?: string; vib?: string; run?: string },
  duration: number | undefined,
): Promise<number> {
  if (args.vib || args.run) {
    process.stderr.write("edgeprop run: --sim opens its own simulated ports; --vib/--run are for real boards\n");
    return 2;
  }
  const jobs = Number(args.jobs ?? 5);
  const seed = Number(args.seed ?? 1);
  const speed = args.speed === "max" ? Infinity : Number(args.speed ?? 1);
  if (!Number.isInteger(jobs) || jobs < 1 || !Number.isFinite(seed) || !(speed > 0)) {
    process.stderr.write(`edgeprop run: --jobs must be a whole number ≥ 1, --seed a number, --speed > 0\n`);
    return 2;
  }
  const demo = resolve(args["demo-dir"] ?? ".edgeprop-demo");
  config.host.dataDir = resolve(demo, "data");
  config.host.logFile = resolve(demo, "logs", "edgeprop.log");
  // Every plugin with a job log (`db`) uses the demo one: simulated jobs never reach a garage's log.
  for (const [name, entry] of Object.entries(config.plugins)) {
    const c = entry.config as Record<string, unknown> | undefined;
    if (name === "job-log" || (c && typeof c.db === "string")) patchPlugin(config, name, { db: resolve(demo, "job-log.sqlite") });
  }
  const { Simulator, openPtyLink } = await import("../../firmware-sim/index.ts");
  let link;
  try {
    const sim = new Simulator({ scenario: args.scenario ?? "mixed", jobs, seed });
    link = await openPtyLink(sim, { speed });
  } catch (err) {
    process.stderr.write(`edgeprop run --sim: ${(err as Error).message}\n`);
    return 1;
  }
  patchPlugin(config, "boards", { vib: link.links.vib, run: link.links.run });
  process.stderr.write(
    `SIMULATED boards (firmware-sim, scenario ${args.scenario ?? "mixed"}, ${jobs} jobs, seed ${seed}, ${speed}× real time) ` +
      `on ${link.paths.vib} and ${link.paths.run}; data in ${demo}\n`,
  );
  const events = hostEventsRecorder(config);
  const started = await startHost(config, process.stderr, events.start);
  if (!started) {
    events.stop();
    await link.stop();
    return 1;
  }
  const { host, flush } = started;
  // The ports are being opened and probed: the boards' power-up HELLO should arrive while they wait.
  await new Promise((r) => setTimeout(r, 150));
  link.start();
  const jobsDone = link.done.then(() => waitForRecords(host, jobs));
  await untilStopped(duration, jobsDone);
  await host.stop();
  events.stop();
  await link.stop();
  flush();
  const records = host.metrics.value("job-records.records") ?? 0;
  const db = config.plugins["job-log"]?.enabled ? `; job log: npx edgeprop jobs list --db ${resolve(demo, "job-log.sqlite")}` : "";
  process.stderr.write(`run --sim: ${records} job record(s); JSON lines in ${resolve(config.host.dataDir, "jsonl-log", "jobs.jsonl")}${db}\n`);
  return 0;
}

/** After the simulator's last byte: wait (≤ 10 s, ample on a busy machine) until every job's
 *  record is out; it returns as soon as they are. */
async function waitForRecords(host: Host, jobs: number): Promise<void> {
  const until = performance.now() + 10_000;
  while (performance.now() < until && (host.metrics.value("job-records.records") ?? 0) < jobs) await new Promise((r) => setTimeout(r, 50));
  await host.idle();
}
