// The device contract over serialport's mock binding, with the simulator's boards behind it
// (firmware-sim createSimBinding), paced against the wall clock like real boards.
import { createSimBinding, Simulator, type BoardName } from "../../firmware-sim/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import { boardEndpointContract } from "./board-endpoint.contract.ts";

const SPEED = 2; // board time runs twice as fast as the wall clock

for (const board of ["vib", "run"] as BoardName[]) {
  boardEndpointContract(`${board.toUpperCase()} via the mock binding`, async () => {
    const sb = createSimBinding(new Simulator({ scenario: "good", jobs: 1, seed: 21 }));
    sb.run({ speed: SPEED });
    const endpoint = new BoardLink({ path: sb.paths[board], binding: sb.binding, decoder: { channels: board === "vib" ? 3 : 1 } });
    return {
      endpoint,
      otherRate: board === "vib" ? 800 : undefined,
      badRate: 1234,
      run: (ms) => new Promise((r) => setTimeout(r, ms / SPEED)),
      dispose: async () => sb.stop(),
    };
  });
}
