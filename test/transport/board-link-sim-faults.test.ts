// BoardLink against the simulator's own fault behaviour (board reboot, board stall) over the mock
// binding, with board time and the link's wall clock stepped together: deterministic and fast.
import { describe, expect, it } from "vitest";
import { createSimBinding, Simulator, type FaultPlan, type SimBinding } from "../../firmware-sim/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import type { LinkEvent } from "../../src/transport/link-events.ts";
import { ManualTimers } from "./support/manual-timers.ts";

function setup(board: "vib" | "run", faults: FaultPlan) {
  const sb: SimBinding = createSimBinding(new Simulator({ scenario: "good", jobs: 1, seed: 31, faults }));
  const timers = new ManualTimers();
  const events: LinkEvent[] = [];
  const link = new BoardLink({
    path: sb.paths[board],
    binding: sb.binding,
    timers,
    decoder: { channels: board === "vib" ? 3 : 1 },
    backoff: { jitter: 0 },
  });
  link.on((e) => events.push(e));
  /** ms of board time and of wall time, in 10 ms steps. */
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      sb.advance(10);
      await timers.advance(10);
    }
  };
  return { sb, timers, events, link, step };
}

describe("BoardLink with the simulator's faults", () => {
  it("a board reboot (HELLO with seq 0, clock-reset STATUS) is a discontinuity, not a loss", async () => {
    const { events, link, step } = setup("vib", { resets: [{ board: "vib", atS: 2 }] });
    const opening = link.open();
    await step(1000);
    await opening;
    const c = link.decoder.counters;
    const before = { samples: c.samples, segment: link.decoder.segment };
    await step(2500);
    const types = events.map((e) => e.type);
    expect(types).toContain("board-reset");
    expect(types).toContain("clock-reset");
    expect(types).not.toContain("silent");
    expect(types).not.toContain("disconnected");
    expect(link.state).toBe("ready");
    expect(c.resets).toBe(1);
    expect(link.decoder.segment).toBeGreaterThan(before.segment);
    expect(c.samples - before.samples).toBeGreaterThan(3200 * 1.5); // data flows on after the reboot
    expect(c.droppedTotal()).toBeLessThanOrEqual(1);
    await link.close();
  });

  it("a board stalled for 3 s is reported silent after 2 s, reopened with backoff and re-identified when it talks again", async () => {
    const { events, link, step } = setup("run", { silences: [{ board: "run", atS: 2, forS: 3 }] });
    const opening = link.open();
    await step(1000);
    await opening;
    await step(1000); // the stall begins at 2 s: the last bytes come with the block that ends at 2 s
    await step(1900);
    expect(events.map((e) => e.type)).not.toContain("silent"); // 1.9 s of silence is not yet a lost board
    await step(200);
    const silent = events.find((e) => e.type === "silent")!;
    expect(silent.data!.silentMs).toBe(2000);
    expect(silent.time).toBeGreaterThanOrEqual(3980);
    expect(silent.time).toBeLessThanOrEqual(4010);
    expect(link.state).not.toBe("ready");
    await step(3000); // the stall ends at 5 s; retries find the board again
    expect(link.state).toBe("ready");
    const reconnected = events.find((e) => e.type === "reconnected");
    expect(reconnected, events.map((e) => `${e.type}: ${e.message}`).join("\n")).toBeDefined();
    expect(events.filter((e) => e.type === "open-failed").length).toBeGreaterThan(0);
    const c = link.decoder.counters;
    const samples = c.samples;
    await step(500);
    expect(c.samples).toBeGreaterThan(samples);
    expect(link.stats).toMatchObject({ silences: 1, reconnects: 1, disconnects: 0 });
    await link.close();
  });
});
