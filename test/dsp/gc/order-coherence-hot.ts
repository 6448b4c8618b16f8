// GC child script (test/support/gc-count.ts): the per-job phase-coherent analysis in steady state:
// per revolution RobustOrders on each axis' grid, per job OrderCoherence over the measure and cut
// revolutions' phasor rows, finish(). args[0] = "reuse" (one of each: must allocate nothing) or
// "fresh" (new analysers per job / revolution: the allocating control).
import { AngleGrid } from "../../../src/dsp/angle-grid.ts";
import { OrderCoherence, CoherenceResult } from "../../../src/dsp/order-coherence.ts";
import { RobustOrders } from "../../../src/dsp/robust-orders.ts";
import { mulberry32 } from "../../support/mulberry32.ts";

const JOBS = 400;
const REVS = 24;
const STRIDE = 8;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "reuse";
  const rnd = mulberry32(11);
  const ag = new AngleGrid({ bins: 256, orders: 8 });
  // 16 grids, some with a pulse (a hard spot), and their phasors.
  const grids: Float64Array[] = [];
  const phasors: Float64Array[] = [];
  for (let i = 0; i < 16; i++) {
    const g = new Float64Array(256);
    for (let b = 0; b < 256; b++) g[b] = 0.01 * Math.cos((2 * Math.PI * (b + 0.5)) / 256 + i) + 0.01 * (rnd() - 0.5);
    if (i % 3 === 0) for (let j = 0; j < 6; j++) g[(40 * i + j) % 256] += 0.8 * Math.exp(-j / 2);
    const ph = new Float64Array(17);
    ag.phasors(g, ph);
    grids.push(g);
    phasors.push(ph);
  }
  const rows: Float64Array[] = [];
  for (let i = 0; i < 64; i++) rows.push(Float64Array.from({ length: 4 * STRIDE }, () => rnd() - 0.5));
  const shared = { co: new OrderCoherence(4), ro: new RobustOrders({ bins: 256, orders: 4 }) };
  const sink = new Float64Array(1);
  const job = (j: number) => {
    const co = mode === "fresh" ? new OrderCoherence(4) : shared.co;
    co.reset();
    for (let r = 0; r < REVS; r++) {
      const ro = mode === "fresh" ? new RobustOrders({ bins: 256, orders: 4 }) : shared.ro;
      const k = (j + r) & 15;
      ro.fit(grids[k], phasors[k]);
      sink[0] += ro.out[1];
      const row = rows[(j * 7 + r) & 63];
      if (r < 5) {
        co.addReference(row, 0);
        co.addBaseline(row, STRIDE, STRIDE);
      } else co.addResponse(row, STRIDE, STRIDE);
    }
    co.finish();
    sink[0] += co.result[CoherenceResult.DTV];
  };
  for (let j = 0; j < 500; j++) job(j);
  const jobs = JOBS;
  console.log(`analysing ${jobs} jobs of ${REVS} revolutions`);
  return () => {
    for (let j = 0; j < jobs; j++) job(j);
    if (!(sink[0] === sink[0])) throw new Error("NaN");
  };
}
