import { describe, expect, it } from "vitest";
import { decodeFrame, FrameType, type Frame, type HelloFrame } from "../../src/protocol/index.ts";
import { CommandChannel } from "../../src/transport/command-channel.ts";
import { ManualTimers, settle } from "./support/manual-timers.ts";

const hello = (rate: number): HelloFrame => ({
  type: "HELLO", seq: 0, t_us: 5, kind: 1, fw_major: 1, fw_minor: 0, channels: 3, serial_no: 7, rate_hz: rate, lsb: 0.0039,
});

function setup() {
  const timers = new ManualTimers();
  const sent: Frame[] = [];
  const channel = new CommandChannel(
    (bytes) => {
      const r = decodeFrame(bytes);
      if (!r.ok) throw new Error(`channel wrote a bad frame: ${r.reason}`);
      sent.push(r.frame);
    },
    { timers, label: "/dev/test", timeoutMs: 500 },
  );
  return { timers, sent, channel };
}

describe("CommandChannel", () => {
  it("sends PING with t_us 0 and counting seq, resolves with the HELLO", async () => {
    const { sent, channel } = setup();
    const p1 = channel.ping();
    await settle();
    channel.onHello(hello(3200));
    expect((await p1).rate_hz).toBe(3200);
    const p2 = channel.ping();
    await settle();
    channel.onHello(hello(800));
    expect((await p2).rate_hz).toBe(800);
    expect(sent.map((f) => [f.type, f.seq, f.t_us])).toEqual([["PING", 0, 0], ["PING", 1, 0]]);
  });

  it("STREAM resolves with the ACK result of its own command type only", async () => {
    const { sent, channel } = setup();
    const p = channel.stream(false);
    await settle();
    channel.onAck(FrameType.SET_RATE, 0); // not ours
    channel.onAck(FrameType.STREAM, 0);
    expect(await p).toBe(0);
    expect(sent[0]).toMatchObject({ type: "STREAM", on: 0 });
  });

  it("SET_RATE: ok → ACK then HELLO; bad rate → result 1 without waiting for HELLO", async () => {
    const { sent, channel } = setup();
    const ok = channel.setRate(800, true);
    await settle();
    channel.onAck(FrameType.SET_RATE, 0);
    await settle();
    channel.onHello(hello(800));
    expect(await ok).toEqual({ result: 0, hello: hello(800) });
    const bad = channel.setRate(123, true);
    await settle();
    channel.onAck(FrameType.SET_RATE, 1);
    expect(await bad).toEqual({ result: 1 });
    expect(sent.map((f) => (f.type === "SET_RATE" ? f.rate_hz : -1))).toEqual([800, 123]);
  });

  it("times out with EP_ERR_COMMAND_TIMEOUT naming port, command and reply, and the next command still runs", async () => {
    const { timers, channel } = setup();
    const lost = channel.stream(true);
    const next = channel.ping();
    const lostResult = lost.catch((e) => e);
    await timers.advance(499);
    channel.onHello(hello(3200)); // a HELLO does not answer STREAM
    await timers.advance(1);
    const err = await lostResult;
    expect(err.code).toBe("EP_ERR_COMMAND_TIMEOUT");
    expect(err.message).toBe("/dev/test: no ACK for STREAM within 500 ms");
    await settle();
    channel.onHello(hello(1600));
    expect((await next).rate_hz).toBe(1600);
    expect(timers.pending).toBe(0);
  });

  it("a closing port aborts the waiting command and a SET_RATE's pending HELLO", async () => {
    const { timers, channel } = setup();
    const p = channel.setRate(400, true).catch((e) => e);
    await settle();
    channel.onAck(FrameType.SET_RATE, 0);
    await settle();
    channel.fail("port closed");
    const err = await p;
    expect(err.code).toBe("EP_ERR_PORT_CLOSED");
    expect(timers.pending).toBe(0);
  });
});
