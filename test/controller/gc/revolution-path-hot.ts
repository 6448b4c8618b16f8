// GC child script (test/support/gc-count.ts): the controller's per-revolution path without the
// host: INDEX marks → JobTracker → RevolutionAssembler (runout fit, wander, vibration features over
// its sample rings, filled from channel-like columns) → JobRecordBuilder's revolution handling.
// args[0] = "reuse": the real path (must allocate nothing);
//           "alloc": the same, plus a copy of each row per revolution (the allocating control).
import { JobTracker, Out } from "../../../src/controller/job-tracker.ts";
import { RevolutionAssembler } from "../../../src/controller/revolution-assembler.ts";
import { JobRecordBuilder } from "../../../src/controller/job-record-builder.ts";
import { StreamKind } from "../../../src/controller/channels.ts";

const PERIOD_US = 400_000; // 150 rpm
const VIB_US = 312.5;
const RUN_US = 1000;
const REVS = 400;
const CONTROL_REVS = 400;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const asm = new RevolutionAssembler();
  const builder = new JobRecordBuilder(() => undefined);
  const streamCols = Array.from({ length: 8 }, () => new Float64Array(1));
  const tracker: JobTracker = new JobTracker((kind) => {
    const o = tracker.out;
    streamCols[0][0] = kind;
    streamCols[1][0] = o[Out.ORDINAL];
    streamCols[2][0] = o[Out.T];
    streamCols[3][0] = o[Out.PERIOD];
    streamCols[4][0] = o[Out.PHASE];
    streamCols[5][0] = o[Out.COMP];
    streamCols[6][0] = o[Out.PASS];
    streamCols[7][0] = o[Out.TOOL];
    if (kind <= StreamKind.END) asm.enqueue(streamCols, 0);
  });
  // Channel-like columns of one sample each (slot 0), refilled per sample.
  const v = { t: new Float64Array(1), x: new Float64Array(1), y: new Float64Array(1), z: new Float64Array(1), sat: new Float64Array(1), seg: new Float64Array(1), w: new Float64Array(1) };
  const r = { t: new Float64Array(1), v: new Float64Array(1), sat: new Float64Array(1), seg: new Float64Array(1), w: new Float64Array(1) };
  const keep: { k: number; lro: number }[] = [];
  const clock = new Float64Array([0, 0, 0, 0]); // [vib next t, run next t, next mark, sink]
  v.w[0] = Number.NaN;
  r.w[0] = Number.NaN;

  const revolution = (): void => {
    const end = clock[2];
    for (; clock[0] < end; clock[0] += VIB_US) {
      const th = (2 * Math.PI * (clock[0] % PERIOD_US)) / PERIOD_US;
      v.t[0] = clock[0];
      v.x[0] = Math.round(40 * Math.sin(3 * th) + 7 * Math.sin(clock[0] * 0.013));
      v.y[0] = Math.round(30 * Math.cos(2 * th) + 5 * Math.sin(clock[0] * 0.021));
      v.z[0] = Math.round(256 + 20 * Math.sin(th));
      asm.addVib(v.t, v.x, v.y, v.z, v.sat, v.seg, v.w, 0);
    }
    for (; clock[1] < end; clock[1] += RUN_US) {
      r.t[0] = clock[1];
      r.v[0] = Math.round(150 * Math.sin((2 * Math.PI * (clock[1] % PERIOD_US)) / PERIOD_US) + 3 * Math.sin(clock[1]));
      asm.addRun(r.t, r.v, r.sat, r.seg, r.w, 0);
    }
    tracker.onIndex(end, PERIOD_US);
    clock[2] = end + PERIOD_US;
    while (asm.next(Number.NaN)) {
      builder.addRow(asm.row);
      if (asm.row[0] === StreamKind.REV && asm.row[8] === 1) clock[3] += asm.row[9];
      if (mode === "alloc") {
        // small heap objects (typed arrays' backing stores live outside the young generation)
        for (let k = 0; k < 2000; k++) keep.push({ k, lro: asm.row[9] });
        if (keep.length > 100_000) keep.length = 0;
      }
    }
  };

  tracker.onLathe(0, 0, 0, 0, 0);
  tracker.onLathe(1000, 1000, 1, 0, 1);
  tracker.onLathe(2000, 2000, 2, 1500, 1); // cut, tool past the probe
  clock[0] = 0;
  clock[1] = 0;
  clock[2] = 0;
  tracker.onIndex(0, 0);
  clock[2] = PERIOD_US;
  for (let i = 0; i < 20; i++) revolution(); // warm up
  const n = mode === "alloc" ? CONTROL_REVS : REVS;
  console.log(`${n} revolutions`);
  return () => {
    for (let i = 0; i < n; i++) revolution();
    if (!(clock[3] > 0)) throw new Error("no runout measured");
  };
}
