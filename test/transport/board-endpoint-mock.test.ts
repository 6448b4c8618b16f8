// The device contract over serialport's mock binding, with the simulator's boards behind it
// (firmware-sim createSimBinding). Board time and the link's clock advance together in 10 ms steps,
// driven in the background as fast as the CPU allows: the same behaviour as real time, without
// waiting for it.
import { createSimBinding, Simulator, type BoardName } from "../../firmware-sim/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import { boardEndpointContract } from "./board-endpoint.contract.ts";
import { ManualTimers } from "./support/manual-timers.ts";

const STEP_MS = 10;

for (const board of ["vib", "run"] as BoardName[]) {
  boardEndpointContract(`${board.toUpperCase()} via the mock binding`, async () => {
    const sb = createSimBinding(new Simulator({ scenario: "good", jobs: 3, seed: 21 }));
    const timers = new ManualTimers();
    let running = true;
    let virtualMs = 0;
    const driving = (async () => {
      while (running && !sb.sim.done) {
        sb.advance(STEP_MS);
        await timers.advance(STEP_MS);
        virtualMs += STEP_MS;
      }
    })();
    const endpoint = new BoardLink({ path: sb.paths[board], binding: sb.binding, timers, decoder: { channels: board === "vib" ? 3 : 1 } });
    return {
      endpoint,
      otherRate: board === "vib" ? 800 : undefined,
      badRate: 1234,
      run: async (ms) => {
        const target = virtualMs + ms;
        while (virtualMs < target) {
          if (sb.sim.done) throw new Error("the simulation ended before the test did");
          await new Promise((r) => setImmediate(r));
        }
      },
      dispose: async () => {
        running = false;
        await driving;
      },
    };
  });
}
