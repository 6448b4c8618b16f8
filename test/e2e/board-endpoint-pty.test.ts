// The device contract through real pty pairs (socat) and the real serialport binding, with the
// simulator's boards on the device ends (firmware-sim openPtyLink).
import { openPtyLink, Simulator, type BoardName } from "../../firmware-sim/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import { boardEndpointContract } from "../transport/board-endpoint.contract.ts";

const SPEED = 2;

for (const board of ["vib", "run"] as BoardName[]) {
  boardEndpointContract(`${board.toUpperCase()} via a pty`, async () => {
    const link = await openPtyLink(new Simulator({ scenario: "good", jobs: 1, seed: 22 }), { speed: SPEED });
    link.start();
    const endpoint = new BoardLink({ path: link.links[board], decoder: { channels: board === "vib" ? 3 : 1 } });
    return {
      endpoint,
      otherRate: board === "vib" ? 800 : undefined,
      badRate: 1234,
      run: (ms) => new Promise((r) => setTimeout(r, ms / SPEED)),
      dispose: () => link.stop(),
    };
  });
}
