// Logging: pino writes structured JSON lines to the log file; the console gets short human lines
// from a tiny formatter (no pretty-printer dependency). Plugins get `log.child({ plugin })`.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino from "pino";

export type Logger = pino.Logger;
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const OMIT = new Set(["level", "time", "pid", "hostname", "msg", "plugin"]);

// Stacks belong in the JSON file; on the console they would bury the line.
const noStacks = (key: string, value: unknown): unknown => (key === "stack" ? undefined : value);

/** `12:01:02.345 WARN  [plugin] message key=value …` from one pino JSON line (stacks left out). */
export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const t = typeof rec.time === "number" ? new Date(rec.time).toISOString().slice(11, 23) : "--:--:--.---";
  const level = (LEVEL_NAMES[rec.level as number] ?? String(rec.level)).padEnd(5);
  const who = typeof rec.plugin === "string" ? ` [${rec.plugin}]` : "";
  const extra = Object.entries(rec)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v, noStacks)}`)
    .join(" ");
  return `${t} ${level}${who} ${String(rec.msg ?? "")}${extra ? ` ${extra}` : ""}`;
}

export interface LoggerOptions {
  /** JSON lines go here (appended; folders created). Omit for no file. */
  file?: string;
  /** Minimum level for both outputs. Default `info`. */
  level?: LogLevel;
  /** Human lines go here; `false` for none. Default process.stderr. */
  console?: { write(line: string): unknown } | false;
}

export interface HostLogger {
  logger: Logger;
  /** Writes out anything buffered (call before exit). */
  flush(): void;
}

export function createLogger(opts: LoggerOptions = {}): HostLogger {
  const level = opts.level ?? "info";
  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof pino.destination> | null = null;
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    file = pino.destination({ dest: opts.file, sync: true, mkdir: true });
    streams.push({ stream: file, level: level === "silent" ? "fatal" : level });
  }
  const out = opts.console === undefined ? process.stderr : opts.console;
  if (out !== false) {
    streams.push({ stream: { write: (line: string) => out.write(`${humanLine(line)}\n`) }, level: level === "silent" ? "fatal" : level });
  }
  const logger = streams.length > 0 ? pino({ level }, pino.multistream(streams)) : pino({ level: "silent" });
  return { logger, flush: () => file?.flushSync() };
}

export const silentLogger: Logger = pino({ level: "silent" });
