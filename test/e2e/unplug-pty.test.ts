// Unplug through a real pty: the RUN board's pty pair is torn down mid-stream and made again. The
// transport must report it at once, resume within 3 s of the board coming back, and mark the gap.
import { afterEach, describe, expect, it } from "vitest";
import { openPtyLink, Simulator, type PtyLink } from "../../firmware-sim/index.ts";
import { BoardLink } from "../../src/transport/board-link.ts";
import type { LinkEvent } from "../../src/transport/link-events.ts";

let boards: PtyLink | undefined;
const links: BoardLink[] = [];
afterEach(async () => {
  for (const l of links.splice(0)) await l.close();
  await boards?.stop();
  boards = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number, what: string): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
  return performance.now() - t0;
}

describe("unplugging a board (pty torn down and recreated)", () => {
  it("is reported at once; the link resumes within 3 s of the replug with the gap marked; the other board is untouched", async () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 4 });
    boards = await openPtyLink(sim, { speed: 1 });
    const events: LinkEvent[] = [];
    const vib = new BoardLink({ path: boards.links.vib, label: "vib" });
    const run = new BoardLink({ path: boards.links.run, label: "run", decoder: { channels: 1 } });
    links.push(vib, run);
    for (const l of links) l.on((e) => events.push(e));
    const opened = [vib.open(), run.open()];
    await until(() => vib.state === "identifying" && run.state === "identifying", 3000, "ports open");
    boards.start();
    await Promise.all(opened);
    await sleep(800);
    const c = run.decoder.counters;
    const before = { samples: c.samples, gaps: c.gaps, lost: c.lostFrames, written: run.decoder.ring.written };
    expect(before.samples).toBeGreaterThan(300);

    const unpluggedAt = performance.now();
    let stateWhileOut = "";
    const vanish = boards.vanish("run", 700); // torn down for 0.7 s: the board runs on, its frames go nowhere
    const reportedMs = await until(() => events.some((e) => e.source === "run" && e.type === "disconnected"), 1000, "the unplug to be reported");
    await sleep(400);
    stateWhileOut = run.state;
    await vanish; // the pty pair is back
    const replugMs = performance.now() - unpluggedAt;
    // between retries "reconnecting"; during one, briefly "opening": never "ready" while unplugged
    expect(["reconnecting", "opening"]).toContain(stateWhileOut);
    const resumedMs = await until(() => run.state === "ready" && c.samples > before.samples + 100, 3000, "RUN to resume").catch((err) => {
      throw new Error(`${err.message}; events:\n${events.map((e) => `${e.time.toFixed(0)} ${e.source} ${e.type}: ${e.message}`).join("\n")}`);
    });

    console.log(`unplug reported after ${reportedMs.toFixed(0)} ms; pty back after ${replugMs.toFixed(0)} ms; resumed ${resumedMs.toFixed(0)} ms after the replug; ${c.lostFrames - before.lost} frames lost in the gap`);
    expect(events.filter((e) => e.source === "run").map((e) => e.type)).toEqual(
      expect.arrayContaining(["disconnected", "reconnecting", "reconnected"]),
    );
    expect(c.gaps).toBe(before.gaps + 1);
    expect(c.lostFrames - before.lost).toBeGreaterThan(20); // ~0.7 s of RUN frames at least
    const ring = run.decoder.ring;
    const lastBefore = ring.segment[ring.slot(before.written - 1)];
    const firstAfter = ring.segment[ring.slot(ring.written - 1)];
    expect(firstAfter).not.toBe(lastBefore); // samples across the gap are not continuous
    expect(run.stats).toMatchObject({ disconnects: 1, reconnects: 1 });
    expect(vib.stats).toMatchObject({ disconnects: 0, silences: 0, reconnects: 0 });
    expect(vib.decoder.counters.lostFrames).toBe(0);
  });
});
