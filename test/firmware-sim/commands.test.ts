// Commands from the controller (PING, STREAM, SET_RATE) and the boards' replies.
import { describe, expect, it } from "vitest";
import { Simulator } from "../../firmware-sim/index.ts";
import { encodeFrame, FrameType, type Frame } from "../../src/protocol/index.ts";
import { decodeInto, ofType } from "./support/collect.ts";

function run(sim: Simulator, ms: number, board: "vib" | "run"): Frame[] {
  const frames: Frame[] = [];
  const rest: number[] = [];
  const end = sim.simUs + ms * 1000;
  while (sim.simUs < end) for (const c of sim.step()) if (c.board === board) expect(decodeInto(c.bytes, rest, frames)).toBe(0);
  return frames;
}

describe("board commands", () => {
  it("PING → HELLO; STREAM off/on → ACK and SAMPLES stop/resume; other frames keep coming", () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 2 });
    run(sim, 50, "vib");
    sim.receive("vib", encodeFrame({ type: "PING", seq: 0, t_us: 0 }));
    const afterPing = run(sim, 20, "vib");
    expect(afterPing[0]).toMatchObject({ type: "HELLO", kind: 1, rate_hz: 3200 });

    sim.receive("vib", encodeFrame({ type: "STREAM", seq: 1, t_us: 0, on: 0 }));
    const off = run(sim, 1500, "vib");
    expect(off[0]).toMatchObject({ type: "ACK", command_type: FrameType.STREAM, result: 0 });
    expect(ofType(off, "SAMPLES").length).toBeLessThanOrEqual(1);
    expect(ofType(off, "STATUS").length).toBeGreaterThanOrEqual(1);

    sim.receive("vib", encodeFrame({ type: "STREAM", seq: 2, t_us: 0, on: 1 }));
    const on = run(sim, 200, "vib");
    expect(on[0]).toMatchObject({ type: "ACK", command_type: FrameType.STREAM, result: 0 });
    expect(ofType(on, "SAMPLES").length).toBeGreaterThanOrEqual(18);

    sim.receive("vib", encodeFrame({ type: "STREAM", seq: 3, t_us: 0, on: 7 }));
    expect(run(sim, 20, "vib")[0]).toMatchObject({ type: "ACK", command_type: FrameType.STREAM, result: 1 });
  });

  it("SET_RATE: a rate the board has → ACK 0, HELLO with it, SAMPLES at it; one it lacks → ACK 1 and nothing changes", () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 2 });
    run(sim, 30, "vib");
    sim.receive("vib", encodeFrame({ type: "SET_RATE", seq: 0, t_us: 0, rate_hz: 800 }));
    const f = run(sim, 500, "vib");
    expect(f[0]).toMatchObject({ type: "ACK", command_type: FrameType.SET_RATE, result: 0 });
    expect(f[1]).toMatchObject({ type: "HELLO", rate_hz: 800 });
    const s = ofType(f, "SAMPLES");
    expect(s.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < s.length; i++) expect(s[i].t_us - s[i - 1].t_us).toBe(40_000); // 32 samples at 800 Hz

    sim.receive("vib", encodeFrame({ type: "SET_RATE", seq: 1, t_us: 0, rate_hz: 1234 }));
    const g = run(sim, 200, "vib");
    expect(g[0]).toMatchObject({ type: "ACK", command_type: FrameType.SET_RATE, result: 1 });
    expect(ofType(g, "HELLO")).toHaveLength(0);

    sim.receive("run", encodeFrame({ type: "SET_RATE", seq: 0, t_us: 0, rate_hz: 3200 }));
    expect(run(sim, 40, "run")[0]).toMatchObject({ type: "ACK", command_type: FrameType.SET_RATE, result: 1 });
  });

  it("commands split across writes and garbage before them are handled; corrupt commands are ignored", () => {
    const sim = new Simulator({ scenario: "good", jobs: 1, seed: 2 });
    run(sim, 20, "run");
    const ping = encodeFrame({ type: "PING", seq: 5, t_us: 0 });
    const bad = encodeFrame({ type: "PING", seq: 6, t_us: 0 });
    bad[2] ^= 0xff;
    sim.receive("run", Uint8Array.from([1, 2, 3, 0]));
    sim.receive("run", bad);
    sim.receive("run", ping.subarray(0, 3));
    sim.receive("run", ping.subarray(3));
    const f = run(sim, 40, "run");
    expect(ofType(f, "HELLO")).toHaveLength(1);
    expect(f[0]).toMatchObject({ type: "HELLO", kind: 2 });
  });
});
