// `edgeprop status [--config FILE] [--json] [--board-timeout S] [--min-free-mb MB]`: is the
// controller healthy? Reads the running controller's status file (written by the `health` plugin:
// boards, the job in progress, the last job, model sources, uptime), the job log (last job, active
// models; read-only) and the free space of the data folders. Exit 0 when healthy; 1 with every
// reason printed when not (no controller running or its status stale, a board without frames for
// longer than the limit, a data folder short of space, the job log unreadable); 2 on bad usage.
// Config: --config FILE, else ./edgeprop.yaml (.yml, .json), else /etc/edgeprop/edgeprop.yaml (the
// service install, deploy/install.sh), else edgeprop's config/default.yaml.
import { existsSync, statfsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { InstallationConfig } from "../runtime/index.ts";
import { countJobs, defaultDbPath, errorText, JobLog, listJobs } from "../store/index.ts";
import { readStatusFile, statusFilePath, type ControllerStatus } from "../../plugins/health/status-file.ts";
import { DEFAULT_CONFIG_FILES } from "./plugins.ts";
import { loadInstallation, shippedConfig } from "./pipeline.ts";
import { problems, type DiskInfo, type Gathered, type JobLogInfo, type Limits } from "./status-checks.ts";
import type { Output } from "./store-open.ts";

export const SERVICE_CONFIG = "/etc/edgeprop/edgeprop.yaml";

const USAGE = `usage: edgeprop status [--config FILE] [--json] [--board-timeout S] [--min-free-mb MB]
  --board-timeout S   a board without frames for longer is missing (default 60)
  --min-free-mb MB    a data folder with less free space is a problem (default 500)
exit code 0: healthy; 1: unhealthy (the reasons are printed); 2: bad usage
`;

export async function runStatus(argv: string[], out: Output = process.stdout, err: Output = process.stderr, now = Date.now): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        json: { type: "boolean", default: false },
        "board-timeout": { type: "string", default: "60" },
        "min-free-mb": { type: "string", default: "500" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    err.write(`edgeprop status: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  const limits: Limits = { boardTimeoutS: Number(values["board-timeout"]), minFreeMb: Number(values["min-free-mb"]) };
  if (!(limits.boardTimeoutS > 0) || !(limits.minFreeMb >= 0)) {
    err.write(`edgeprop status: --board-timeout must be > 0 and --min-free-mb ≥ 0\n`);
    return 2;
  }
  const file = values.config ?? [...DEFAULT_CONFIG_FILES, SERVICE_CONFIG].find((f) => existsSync(f)) ?? shippedConfig("default.yaml");
  const config = await loadInstallation(file, err as NodeJS.WritableStream); // it only writes lines
  if (!config) return 2;
  const g = gather(config, now());
  const found = problems(g, limits);
  if (values.json) out.write(`${JSON.stringify({ healthy: found.length === 0, problems: found, config: config.file, ...g, now: new Date(g.now).toISOString() })}\n`);
  else out.write(render(g, found, config.file));
  return found.length === 0 ? 0 : 1;
}

function gather(config: InstallationConfig, now: number): Gathered {
  const health = config.plugins.health;
  let status: ControllerStatus | null = null;
  let statusError: string | null = null;
  if (!health || health.enabled === false) statusError = `the config ${config.file} has no enabled 'health' plugin, which publishes the controller's status`;
  else {
    const c = health.config as { file?: string } | undefined;
    try {
      status = readStatusFile(c?.file ?? statusFilePath(join(config.host.dataDir, "health")));
    } catch (e) {
      statusError = (e as Error).message;
    }
  }
  const jobLog = readJobLog(config);
  const folders = [config.host.dataDir, ...(jobLog ? [dirname(jobLog.file)] : [])];
  return { now, status, statusError, pidAlive: status ? pidAlive(status.pid) : null, disks: onePerDevice(folders).map(diskOf), jobLog };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The nearest existing folder: where `folder` is, or will be. */
function existing(folder: string): string {
  let at = folder;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** The first of the folders on each file system. */
function onePerDevice(folders: string[]): string[] {
  const seen = new Set<number>();
  return folders.filter((f) => {
    const dev = statSync(existing(f)).dev;
    return seen.has(dev) ? false : (seen.add(dev), true);
  });
}

/** Free space where `folder` is, or will be. */
function diskOf(folder: string): DiskInfo | { folder: string; error: string } {
  const at = existing(folder);
  try {
    const s = statfsSync(at);
    return { folder, freeMb: (s.bavail * s.bsize) / 1048576, totalMb: (s.blocks * s.bsize) / 1048576 };
  } catch (e) {
    return { folder, error: (e as Error).message };
  }
}

function readJobLog(config: InstallationConfig): JobLogInfo | null {
  const entry = config.plugins["job-log"];
  if (!entry || entry.enabled === false) return null;
  const db = (entry.config as { db?: string } | undefined)?.db;
  const file = db || defaultDbPath();
  const info: JobLogInfo = { file, jobs: null, lastJob: null, activeModels: {}, error: null };
  if (!existsSync(file)) {
    info.error = `${file} does not exist`;
    return info;
  }
  let log: JobLog | null = null;
  try {
    log = JobLog.open(file, { readonly: true });
    info.jobs = countJobs(log.db);
    const last = listJobs(log.db, { limit: 1 })[0];
    if (last) info.lastJob = { id: last.id, ordinal: last.ordinal, status: last.status, reason: last.reason, at: new Date(last.endedAt ?? last.loggedAt).toISOString() };
    for (const kind of log.models.kinds()) {
      const m = log.models.active(kind);
      if (m) info.activeModels[kind] = m.version;
    }
  } catch (e) {
    info.error = errorText(e);
  } finally {
    log?.close();
  }
  return info;
}

const ago = (now: number, iso: string | null): string => (iso === null ? "never" : `${duration(now - Date.parse(iso))} ago`);

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

function render(g: Gathered, found: string[], configFile: string | null): string {
  const lines = [`edgeprop status: ${found.length === 0 ? "HEALTHY" : "UNHEALTHY"}  (config ${configFile})`];
  const s = g.status;
  if (s) {
    lines.push(`controller  pid ${s.pid}, ${s.stoppedAt ? `stopped at ${s.stoppedAt}` : `up ${duration(g.now - Date.parse(s.startedAt))}`} (since ${s.startedAt}), status written ${ago(g.now, s.writtenAt)}`);
    for (const role of ["vib", "run"] as const) {
      const b = s.boards[role];
      const id = b.serialNo === null ? "" : ` #${b.serialNo}${b.rateHz ? ` ${b.rateHz} Hz` : ""}`;
      lines.push(`${role.toUpperCase()} board   ${b.connected ? "connected" : "NOT connected"}${id}, last frame ${ago(g.now, b.lastFrameAt)}, frames ${b.framesOk}, dropped ${b.dropped}, lost ${b.lostFrames}, gaps ${b.gaps}, resets ${b.resets}`);
    }
    if (s.job) lines.push(`running     job #${s.job.ordinal} ${s.job.id} since ${ago(g.now, s.job.since)}`);
    if (s.models) lines.push(`estimates   judder: ${s.models.judder.version ?? "-"} (${s.models.judder.source}); cut quality: ${s.models.cutQuality.version ?? "-"} (${s.models.cutQuality.source})`);
    lines.push(`jobs        ${s.jobsSinceStart} since the controller started`);
  }
  const log = g.jobLog;
  if (log && !log.error) {
    const last = log.lastJob ? `last job #${log.lastJob.ordinal ?? "-"} ${log.lastJob.id} ${log.lastJob.status}${log.lastJob.reason ? ` (${log.lastJob.reason})` : ""}, ${ago(g.now, log.lastJob.at)}` : "no job yet";
    const models = Object.entries(log.activeModels).map(([k, v]) => `${k} ${v}`).join(", ") || "none (rules until the learners have labels)";
    lines.push(`job log     ${log.file}: ${log.jobs} job(s); ${last}`, `models      active in the registry: ${models}`);
  }
  for (const d of g.disks) if (!("error" in d)) lines.push(`disk        ${d.folder}: ${(d.freeMb / 1024).toFixed(1)} GB free of ${(d.totalMb / 1024).toFixed(1)} GB`);
  if (found.length) lines.push("problems:", ...found.map((p) => `  - ${p}`));
  return lines.join("\n") + "\n";
}
