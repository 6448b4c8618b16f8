// features: per-revolution measurements (src/controller/revolution-assembler.ts) of every
// revolution the job tracker hands on: runout (Fourier fit of the probe), rpm, runout wander and
// the accelerometer's features, in board time, INDEX to INDEX. Writes features.revs in the order of
// jobs.stream (START / CUT_END / END rows pass through behind the revolutions before them).
// Allocation-free per revolution. Metric `latencyMs` (live): from the arrival of the last sample a
// revolution needed to its features.
import { definePlugin, z } from "../../src/runtime/index.ts";
import { RevolutionAssembler, Row } from "../../src/controller/revolution-assembler.ts";
import { Board, BoardEvent, boardEvents, featureRevs, jobStream, runSamples, StreamKind, vibSamples } from "../../src/controller/channels.ts";

export const configSchema = z.object({
  /** Samples kept per board while revolutions wait for both boards. */
  vibCapacity: z.number().int().min(4096).default(32768),
  runCapacity: z.number().int().min(2048).default(16384),
});

export default definePlugin(
  {
    name: "features",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [vibSamples, runSamples, boardEvents, jobStream],
    writes: [featureRevs],
    description: "per-revolution runout, rpm and vibration features",
  },
  (ctx, config) => {
    const asm = new RevolutionAssembler({ vibCapacity: config.vibCapacity, runCapacity: config.runCapacity });
    const out = ctx.channels.writer(featureRevs);
    const outCols = featureRevs.fields.map((f) => out.column(f));
    const width = outCols.length;
    const latency = ctx.metrics.histogram("latencyMs", [0.5, 1, 2, 5, 10, 20, 50, 100, 1000], "last sample's arrival → features, ms (live)");
    const m = {
      revolutions: ctx.metrics.counter("revolutions", "revolutions measured"),
      dropped: ctx.metrics.counter("dropped", "revolutions across a discontinuity (ok = 0)"),
      lost: ctx.metrics.counter("lostSamples", "samples lost by falling behind a channel"),
      full: ctx.metrics.counter("outFull", "features.revs rows refused"),
    };

    const pump = (): void => {
      const row = asm.row;
      while (asm.next(performance.now())) {
        const slot = out.claim();
        if (slot < 0) {
          m.full.inc();
          continue;
        }
        for (let f = 0; f < width; f++) outCols[f][slot] = row[f];
        out.publish();
        if (row[Row.kind] === StreamKind.REV) {
          m.revolutions.inc();
          if (row[Row.ok] !== 1) m.dropped.inc();
          const l = row[Row.latencyMs];
          if (l === l) latency.observe(l);
        }
      }
    };

    let vibLost = 0;
    let runLost = 0;
    const vr = ctx.channels.reader(vibSamples, () => {
      for (let i = vr.next(); i >= 0; i = vr.next()) asm.addVib(cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], i);
      if (vr.dropped !== vibLost) {
        m.lost.inc(vr.dropped - vibLost);
        vibLost = vr.dropped;
      }
      pump();
    });
    const cv = (["t", "x", "y", "z", "sat", "seg", "w"] as const).map((f) => vr.column(f));
    const rr = ctx.channels.reader(runSamples, () => {
      for (let i = rr.next(); i >= 0; i = rr.next()) asm.addRun(cr[0], cr[1], cr[2], cr[3], cr[4], i);
      if (rr.dropped !== runLost) {
        m.lost.inc(rr.dropped - runLost);
        runLost = rr.dropped;
      }
      pump();
    });
    const cr = (["t", "v", "sat", "seg", "w"] as const).map((f) => rr.column(f));
    const er = ctx.channels.reader(boardEvents, () => {
      for (let i = er.next(); i >= 0; i = er.next()) {
        const k = ce[0][i];
        if (k === BoardEvent.HELLO) {
          if (ce[1][i] === Board.VIB) asm.setVibBoard(ce[3][i], ce[4][i]);
          else asm.setRunBoard(ce[3][i], ce[4][i]);
        } else if (k === BoardEvent.END) asm.end();
      }
      pump();
    });
    const ce = (["kind", "board", "t", "a", "b"] as const).map((f) => er.column(f));
    const jr = ctx.channels.reader(jobStream, () => {
      for (let i = jr.next(); i >= 0; i = jr.next()) asm.enqueue(cj, i);
      pump();
    });
    const cj = jobStream.fields.map((f) => jr.column(f));
    return {};
  },
);
