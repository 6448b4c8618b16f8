// replay-source: plays a pair of captures (vib.bin, run.bin) through the pipeline as if they were
// the boards, as fast as the CPU allows, in board-time order (src/transport ReplaySource). Drives
// the board clock. When both files are played it writes COUNTERS and END to boards.events and sets
// its gauge `done` to 1 (the CLI waits for that, then for the host to be idle).
import { resolve } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { ReplaySource } from "../../src/transport/replay-source.ts";
import { BoardFeed } from "../../src/controller/board-feed.ts";
import { Board, BoardEvent, boardEvents, runSamples, vibSamples } from "../../src/controller/channels.ts";
import { rawChannel, rawPublisher } from "../boards/raw-channel.ts";

export const configSchema = z.object({
  /** Capture of the VIB board (relative to the working folder). */
  vib: z.string().min(1),
  /** Capture of the RUN board. */
  run: z.string().min(1),
  /** File read size, bytes (results do not depend on it). */
  readBytes: z.number().int().min(256).max(1 << 20).default(16384),
  /** Publish the bytes fed to the decoders on `boards.raw` (as the live boards plugin does). Default false. */
  raw: z.boolean().default(false),
});

export default definePlugin(
  {
    name: "replay-source",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    writes: [vibSamples, runSamples, boardEvents, rawChannel],
    drivesClock: true,
    description: "plays vib.bin/run.bin captures as the boards, as fast as the CPU allows",
  },
  (ctx, config) => {
    const feed = new BoardFeed({
      vib: ctx.channels.writer(vibSamples),
      run: ctx.channels.writer(runSamples),
      events: ctx.channels.writer(boardEvents),
    });
    const done = ctx.metrics.gauge("done", "1 once both captures were played");
    const bytes = ctx.metrics.gauge("bytes", "capture bytes played");
    feed.onTime = (board) => ctx.clock.advanceTo(feed.latest(board));
    let stopped = false;
    return {
      start() {
        const source = new ReplaySource({
          vibPath: resolve(config.vib),
          runPath: resolve(config.run),
          readBytes: config.readBytes,
          onChunk: config.raw ? rawPublisher(ctx.channels.writer(rawChannel)) : undefined,
          vib: { sink: feed.sinks.vib },
          run: { sink: feed.sinks.run },
        });
        feed.attach(Board.VIB, source.vib);
        feed.attach(Board.RUN, source.run);
        void source.play().then(
          (stats) => {
            if (stopped) return;
            bytes.set(stats.bytes);
            feed.event(BoardEvent.END, Board.RUN);
            done.set(1);
            ctx.log.info({ bytes: stats.bytes, vib: source.vib.counters.snapshot(), run: source.run.counters.snapshot() }, "replay finished");
          },
          (err: unknown) => {
            done.set(-1);
            ctx.reportError(err);
          },
        );
      },
      stop() {
        stopped = true;
      },
    };
  },
);
