import { SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BoardLink } from "../../src/transport/board-link.ts";
import { CaptureWriter } from "../../src/transport/capture-writer.ts";
import type { LinkEvent } from "../../src/transport/link-events.ts";
import { ManualTimers, settle } from "./support/manual-timers.ts";
import { ScriptedBoard, scriptedBinding } from "./support/scripted-board.ts";

let timers: ManualTimers;
let board: ScriptedBoard;
let link: BoardLink;
let events: LinkEvent[];

function makeLink(b: ScriptedBoard, extra: Partial<ConstructorParameters<typeof BoardLink>[0]> = {}): BoardLink {
  const l = new BoardLink({
    path: b.path,
    binding: scriptedBinding([b]),
    timers,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0 },
    ...extra,
  });
  l.on((e) => events.push(e));
  return l;
}

async function openLink(l: BoardLink): Promise<void> {
  const opening = l.open();
  await settle();
  await timers.advance(500); // no HELLO yet: the link PINGs
  await opening;
}

beforeEach(() => {
  SerialPortMock.binding.reset();
  timers = new ManualTimers();
  events = [];
  board = new ScriptedBoard("/dev/ttyACM0");
  link = makeLink(board);
});
afterEach(async () => {
  await link.close();
});

const types = () => events.map((e) => e.type);

describe("BoardLink over the mock binding", () => {
  it("identifies the board by PING when no HELLO comes within 500 ms, not before", async () => {
    const opening = link.open();
    await settle();
    await timers.advance(499);
    expect(board.received).toHaveLength(0);
    await timers.advance(1);
    const hello = await opening;
    expect(board.received.map((f) => f.type)).toEqual(["PING"]);
    expect(hello).toMatchObject({ kind: 1, serial_no: 1001, rate_hz: 3200, channels: 3 });
    expect(link.state).toBe("ready");
    expect(types()).toEqual(["opened", "identified"]);
    expect(events[1].data).toMatchObject({ viaPing: true });
  });

  it("takes a HELLO that arrives unasked (power-up) without sending PING", async () => {
    board.helloOnOpen = true;
    const hello = await link.open();
    expect(hello.serial_no).toBe(1001);
    expect(board.received).toHaveLength(0);
  });

  it("rejects with EP_ERR_NO_HELLO when nothing answers, and leaves the port closed and reusable", async () => {
    board.silent = true;
    const opening = link.open().catch((e) => e);
    await settle();
    await timers.advance(1000);
    const err = await opening;
    expect(err.code).toBe("EP_ERR_NO_HELLO");
    expect(err.message).toContain("/dev/ttyACM0");
    expect(link.state).toBe("closed");
    board.silent = false;
    await openLink(link);
    expect(link.state).toBe("ready");
  });

  it("names the path and baud when the port cannot be opened", async () => {
    const l = new BoardLink({ path: "/dev/ttyNOPE", binding: SerialPortMock.binding, timers, baudRate: 460800 });
    await expect(l.open()).rejects.toMatchObject({
      code: "EP_ERR_PORT_OPEN",
      message: expect.stringMatching(/cannot open \/dev\/ttyNOPE at 460800 baud/),
    });
  });

  it("feeds received bytes to the decoder; commands get their replies", async () => {
    await openLink(link);
    for (let i = 0; i < 10; i++) board.tick();
    await settle();
    expect(link.decoder.counters.samples).toBe(320);
    expect(link.decoder.counters.lostFrames).toBe(0);
    expect(await link.setStreaming(false)).toBe(0);
    board.tick();
    await settle();
    expect(link.decoder.counters.samples).toBe(320);
    const reply = await link.setRate(800);
    expect(reply.result).toBe(0);
    expect(reply.hello?.rate_hz).toBe(800);
    expect(link.hello?.rate_hz).toBe(800);
    expect((await link.setRate(123)).result).toBe(1);
  });

  it("silent for 2 s of wall time: reported, port closed, reopened with backoff, re-identified", async () => {
    await openLink(link);
    board.silent = true;
    await timers.advance(1999);
    expect(types()).not.toContain("silent");
    await timers.advance(1);
    expect(types()).toContain("silent");
    expect(board.open).toBe(false);
    // still silent: each retry opens, waits for HELLO, PINGs, gives up, backs off
    await timers.advance(3000);
    expect(types().filter((t) => t === "open-failed").length).toBeGreaterThanOrEqual(2);
    const delays = events.filter((e) => e.type === "reconnecting").map((e) => e.data!.delayMs);
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
    board.silent = false;
    await timers.advance(2000);
    expect(link.state).toBe("ready");
    expect(types().at(-1)).toBe("reconnected");
    expect(link.stats).toMatchObject({ silences: 1, reconnects: 1 });
  });

  it("unplugged: reported at once, retries fail until replugged, then data resumes with the gap marked", async () => {
    await openLink(link);
    for (let i = 0; i < 5; i++) board.tick();
    await settle();
    board.unplug();
    await settle();
    expect(types()).toContain("disconnected");
    expect(link.state).toBe("reconnecting");
    board.skip(40); // the board kept streaming while nobody listened
    await timers.advance(1000);
    expect(events.filter((e) => e.type === "open-failed")[0].message).toMatch(/cannot open \/dev\/ttyACM0/);
    board.replug();
    await timers.advance(1500);
    expect(link.state).toBe("ready");
    for (let i = 0; i < 5; i++) board.tick();
    await settle();
    const c = link.decoder.counters;
    expect(c.samples).toBe(10 * 32);
    expect(c.gaps).toBe(1);
    expect(c.lostFrames).toBe(40);
    expect(link.stats.disconnects).toBe(1);
  });

  it("a board reset (HELLO with seq 0, clock-reset STATUS) is a discontinuity, not a loss", async () => {
    await openLink(link);
    for (let i = 0; i < 5; i++) board.tick();
    board.reboot();
    board.tick(true, 0x08);
    await settle();
    expect(types()).toEqual(["opened", "identified", "board-reset", "clock-reset"]);
    expect(link.state).toBe("ready");
    expect(link.decoder.counters.resets).toBe(1);
    expect(link.stats).toMatchObject({ resets: 1, clockResets: 1, disconnects: 0 });
  });

  it("close() stops reconnecting and releases the port", async () => {
    await openLink(link);
    board.unplug();
    await settle();
    await link.close();
    board.replug();
    await timers.advance(5000);
    expect(link.state).toBe("closed");
    expect(board.open).toBe(false);
    expect(timers.pending).toBe(0);
    expect(types().at(-1)).toBe("closed");
  });

  it("keeps receiving when its capture file fails: the error is reported once, the board stays up", async () => {
    const errors: Error[] = [];
    let writes = 0;
    const capture = new CaptureWriter(
      "/captures/vib.bin",
      {
        async write(_b, _o, length) {
          if (++writes > 1) throw new Error("EIO: i/o error, write");
          return { bytesWritten: length };
        },
        async close() {},
      },
      { bufferBytes: 256, timers, onError: (e) => errors.push(e) },
    );
    const l = makeLink(board, { capture });
    await openLink(l);
    for (let i = 0; i < 20; i++) board.tick();
    await settle();
    await capture.flush();
    expect(errors.map((e) => e.message)).toEqual(["capture /captures/vib.bin: EIO: i/o error, write"]);
    for (let i = 0; i < 20; i++) board.tick();
    await settle();
    expect(l.state).toBe("ready");
    expect(l.decoder.counters.samples).toBe(40 * 32);
    expect(errors).toHaveLength(1);
    await l.close();
    await capture.close();
  });
});
