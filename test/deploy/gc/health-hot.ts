// Child script for countGcInChild: what the health plugin does per burst of board data: drain its
// reader of boards.vib, stamp the arrival (HealthState.samples), and take a COUNTERS row
// (HealthState.event). Arg "alloc" makes each burst also build a summary string, which must show
// up as GC (so the zero-GC assertion can fail).
import type { NumericReader, NumericWriter } from "../../../src/runtime/channels/endpoints.ts";
import { ChannelRegistry } from "../../../src/runtime/channels/registry.ts";
import { DeliveryScheduler } from "../../../src/runtime/channels/scheduler.ts";
import { Board, BoardEvent, vibSamples } from "../../../src/controller/channels.ts";
import { HealthState } from "../../../plugins/health/health-state.ts";

export default async function prepare(args: string[]): Promise<() => void> {
  const allocate = args[0] === "alloc";
  const reg = new ChannelRegistry(new DeliveryScheduler(() => undefined));
  reg.create(vibSamples, "boards");
  const w = reg.writer("boards.vib") as NumericWriter<"t" | "x">;
  const r = reg.reader("health", "boards.vib").facade as NumericReader<"t">;
  const t = w.column("t");
  const state = new HealthState();
  const keep: string[] = [""];

  const hot = (bursts: number): void => {
    for (let i = 0; i < bursts; i++) {
      for (let k = 0; k < 16; k++) {
        const s = w.claim();
        t[s] = i * 16 + k;
        w.publish();
      }
      let any = false;
      while (r.next() >= 0) any = true;
      if (any) state.samples(Board.VIB);
      state.event(BoardEvent.COUNTERS, Board.VIB, i, i & 3, 0, 0, 0);
      if (allocate) keep[0] = `burst ${i} ${state.boards.vib.framesOk}`;
    }
  };
  for (let j = 0; j < 5; j++) hot(20_000);
  return () => {
    hot(200_000);
    if (state.boards.vib.framesOk !== 199_999 || keep[0] === undefined) throw new Error("hot loop did not run");
  };
}
