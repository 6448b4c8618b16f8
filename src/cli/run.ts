// `edgeprop run`: finds and identifies the sensor boards, keeps them connected, optionally captures
// their raw bytes, and prints a live status line. The controller pipeline behind it comes later.
// With no boards it says so loudly and keeps looking; it never falls back to simulated data.
import { mkdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DROP_REASONS } from "../protocol/index.ts";
import { BoardSet, ROLES, type BoardSetEvent } from "../transport/board-set.ts";
import type { BoardLink } from "../transport/board-link.ts";

const USAGE = `usage: edgeprop run [options]

  --vib PATH        pin the VIB board's port (e.g. /dev/serial/by-id/usb-…); the HELLO decides
  --run PATH        pin the RUN board's port
  --boards JSON     the same as JSON: {"vib": PATH, "run": PATH, "reserved": [PATH, …]}
  --reserve PATH    a port that belongs to another plugin: never opened (repeatable)
  --capture DIR     append every received byte to DIR/vib.bin and DIR/run.bin
  --duration SEC    stop after SEC seconds (default: run until Ctrl-C)
  --status-ms MS    status line interval (default 1000)
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
        vib: { type: "string" },
        run: { type: "string" },
        boards: { type: "string" },
        reserve: { type: "string", multiple: true },
        capture: { type: "string" },
        duration: { type: "string" },
        "status-ms": { type: "string" },
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
  const statusMs = args["status-ms"] === undefined ? 1000 : Number(args["status-ms"]);
  if (duration !== undefined && !(duration > 0)) {
    process.stderr.write(`edgeprop run: --duration must be a positive number of seconds, got '${args.duration}'\n`);
    return 2;
  }
  if (!(statusMs >= 50)) {
    process.stderr.write(`edgeprop run: --status-ms must be ≥ 50, got '${args["status-ms"]}'\n`);
    return 2;
  }
  if (args.capture !== undefined) {
    try {
      await mkdir(args.capture, { recursive: true });
    } catch (err) {
      process.stderr.write(`edgeprop run: cannot create the capture directory: ${(err as Error).message}\n`);
      return 1;
    }
  }

  const tty = process.stdout.isTTY === true;
  let statusShown = false;
  const log = (line: string) => {
    if (statusShown && tty) process.stdout.write("\n");
    statusShown = false;
    process.stderr.write(line + "\n");
  };
  const onEvent = (e: BoardSetEvent) => {
    const loud = e.type === "no-boards" || e.type === "disconnected" || e.type === "silent" || e.type === "capture-error";
    log(`${new Date().toISOString()} ${loud ? "!! " : ""}${e.source}: ${e.message}`);
  };

  const set = new BoardSet({
    pinned: { vib: args.vib ?? boards.vib, run: args.run ?? boards.run },
    reserved: [...(args.reserve ?? []), ...(boards.reserved ?? [])],
    captureDir: args.capture,
    discovery: { listOptions: { onFallback: onceFallback(log) } },
    onEvent,
  });
  set.start();

  const status = setInterval(() => {
    const line = statusLine(set);
    process.stdout.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    statusShown = true;
  }, statusMs);

  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    if (duration !== undefined) setTimeout(done, duration * 1000).unref();
  });
  clearInterval(status);
  const final = statusLine(set, true);
  await set.stop();
  process.stdout.write(`${tty ? "\n" : ""}${final}\n`);
  return 0;
}

/** Says once (not every scan) why ports are listed by scanning /dev. */
function onceFallback(log: (line: string) => void): (reason: string) => void {
  let said = false;
  return (reason) => {
    if (said) return;
    said = true;
    log(`${new Date().toISOString()} boards: ${reason}`);
  };
}

function statusLine(set: BoardSet, final = false): string {
  const parts = ROLES.map((role) => {
    const link = set.links.get(role);
    return link ? boardStatus(role, link) : `${role}: MISSING`;
  });
  return `${final ? "final " : ""}boards ${set.links.size}/2 | ${parts.join(" | ")}`;
}

function boardStatus(role: string, link: BoardLink): string {
  const c = link.decoder.counters;
  const drops = DROP_REASONS.filter((r) => c.dropped(r) > 0).map((r) => `${r} ${c.dropped(r)}`);
  const rate = link.hello ? ` ${link.hello.rate_hz} Hz` : "";
  return (
    `${role}: ${link.state}${rate} frames ${c.framesOk} drops ${c.droppedTotal()}` +
    (drops.length ? ` (${drops.join(", ")})` : "") +
    ` lost ${c.lostFrames} gaps ${c.gaps} resets ${c.resets} reconnects ${link.stats.reconnects}`
  );
}
