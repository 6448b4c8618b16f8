// boards: the live source. Finds the VIB and RUN boards (pinned ports or discovery; identified by
// their HELLO), keeps them connected (silence / unplug → reconnect with backoff), optionally captures
// their bytes, and feeds their frames into the pipeline; drives the board clock. With no boards it
// says so loudly on every scan and keeps looking; it never produces data of its own.
// Board status: one line every `statusMs` (0: none) on stdout (on a terminal, rewritten in place and
// left to the job progress display while a job runs), and a final line on stop; board events
// (found, lost, silent, no boards) as lines on stderr.
import { mkdir } from "node:fs/promises";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { BoardSet, type BoardSetEvent } from "../../src/transport/board-set.ts";
import { BoardFeed } from "../../src/controller/board-feed.ts";
import { Board, BoardEvent, boardEvents, runSamples, vibSamples } from "../../src/controller/channels.ts";
import { statusLine } from "./status.ts";
import { rawChannel, rawPublisher } from "./raw-channel.ts";

export const configSchema = z.object({
  /** Pinned ports (e.g. /dev/serial/by-id/usb-…): the HELLO decides which board is which. */
  vib: z.string().min(1).optional(),
  run: z.string().min(1).optional(),
  /** Ports that belong to something else: never opened. */
  reserved: z.array(z.string()).default([]),
  /** Append every received byte to DIR/vib.bin and DIR/run.bin. */
  capture: z.string().min(1).optional(),
  /**
   * Publish every received chunk on `boards.raw` (for per-job raw captures: plugins/job-captures).
   * Default false: the receive path then does exactly what it does without this option.
   */
  raw: z.boolean().default(false),
  /**
   * How bytes are read off the ports (src/transport/port-reader.ts): "auto" (default: one read per
   * poll on Linux and macOS, else the binding's awaited reads), or "poll", "await", "stream" to force one.
   */
  reader: z.enum(["auto", "poll", "await", "stream"]).default("auto"),
  /** Status line interval, ms (0: none). */
  statusMs: z.number().int().min(0).default(0),
  /** Time between discovery scans while a board is missing, ms. */
  rescanMs: z.number().int().min(100).default(2000),
});

export default definePlugin(
  {
    name: "boards",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    writes: [vibSamples, runSamples, boardEvents, rawChannel],
    drivesClock: true,
    description: "the VIB and RUN sensor boards on serial ports (live)",
  },
  async (ctx, config) => {
    const feed = new BoardFeed({
      vib: ctx.channels.writer(vibSamples),
      run: ctx.channels.writer(runSamples),
      events: ctx.channels.writer(boardEvents),
    });
    feed.live = true;
    feed.onTime = (board) => ctx.clock.advanceTo(feed.latest(board));
    const tty = process.stdout.isTTY === true;
    let statusShown = false;
    const line = (text: string): void => {
      if (statusShown && tty) process.stdout.write("\n");
      statusShown = false;
      process.stderr.write(text + "\n");
    };
    if (config.capture !== undefined) await mkdir(config.capture, { recursive: true });
    const onEvent = (e: BoardSetEvent): void => {
      const loud = e.type === "no-boards" || e.type === "disconnected" || e.type === "silent" || e.type === "capture-error";
      line(`${new Date().toISOString()} ${loud ? "!! " : ""}${e.source}: ${e.message}`);
      // the console line above is the loud one; the log file gets every event
      ctx.log.info({ event: e.type, board: e.source, loud }, e.message);
      const board = e.source === "vib" ? Board.VIB : e.source === "run" ? Board.RUN : -1;
      if (board < 0) return;
      if (e.type === "disconnected" || e.type === "silent") feed.event(BoardEvent.LOST, board);
      else if (e.type === "reconnected") feed.event(BoardEvent.BACK, board);
    };
    let fallbackSaid = false;
    const set = new BoardSet({
      pinned: { vib: config.vib, run: config.run },
      reserved: config.reserved,
      captureDir: config.capture,
      onChunk: config.raw ? rawPublisher(ctx.channels.writer(rawChannel)) : undefined,
      rescanMs: config.rescanMs,
      link: { reader: config.reader },
      sinks: feed.sinks,
      discovery: {
        listOptions: {
          onFallback: (reason: string) => {
            if (fallbackSaid) return;
            fallbackSaid = true;
            line(`${new Date().toISOString()} boards: ${reason}`);
          },
        },
      },
      onEvent,
    });
    feed.resolve = (board) => set.links.get(board === Board.VIB ? "vib" : "run")?.decoder;
    return {
      start() {
        set.start();
        if (config.statusMs > 0) {
          // On a terminal the console plugin's progress line owns the screen while a job runs.
          let inJob = false;
          ctx.jobs.on((e) => {
            if (e.type === "job.start") inJob = true;
            else if (e.type === "job.end") inJob = false;
          });
          ctx.timers.setInterval(() => {
            if (tty && inJob) return;
            process.stdout.write(tty ? `\r${statusLine(set)}\x1b[K` : `${statusLine(set)}\n`);
            statusShown = true;
          }, config.statusMs);
        }
      },
      async stop() {
        const final = statusLine(set, true);
        await set.stop();
        if (config.statusMs > 0) process.stdout.write(`${tty && statusShown ? "\n" : ""}${final}\n`);
      },
    };
  },
);
