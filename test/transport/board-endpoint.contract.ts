// The one contract every board endpoint passes, whatever carries the bytes (a pty to the simulator,
// serialport's mock binding to the simulator). Call boardEndpointContract() from a *.test.ts file
// with a factory that builds a fresh, not yet opened endpoint and a way to let board time pass.
import { afterEach, describe, expect, it } from "vitest";
import type { BoardEndpoint } from "../../src/transport/board-endpoint.ts";

export interface EndpointUnderTest {
  endpoint: BoardEndpoint;
  /** A rate this board supports besides its default (undefined when it has only one). */
  otherRate?: number;
  /** A rate this board lacks. */
  badRate: number;
  /** Lets `ms` of board time pass and its bytes arrive. */
  run(ms: number): Promise<void>;
  /** Tears everything down (closing the endpoint first is the contract test's job). */
  dispose(): Promise<void>;
}

export type EndpointFactory = () => Promise<EndpointUnderTest>;

export function boardEndpointContract(name: string, factory: EndpointFactory): void {
  describe(`board endpoint contract: ${name}`, () => {
    let current: EndpointUnderTest | undefined;
    const make = async () => (current = await factory());
    afterEach(async () => {
      await current?.endpoint.close();
      await current?.dispose();
      current = undefined;
    });

    it("open() identifies the board by its HELLO", async () => {
      const { endpoint } = await make();
      expect(endpoint.state).toBe("closed");
      const hello = await endpoint.open();
      expect([1, 2]).toContain(hello.kind);
      expect(hello.channels).toBe(hello.kind === 1 ? 3 : 1);
      expect(hello.rate_hz).toBe(hello.kind === 1 ? 3200 : 1000);
      expect(endpoint.hello).toEqual(hello);
      expect(endpoint.state).toBe("ready");
    });

    it("PING → HELLO of the same board", async () => {
      const { endpoint } = await make();
      const first = await endpoint.open();
      const again = await endpoint.ping();
      expect([again.kind, again.serial_no, again.rate_hz]).toEqual([first.kind, first.serial_no, first.rate_hz]);
    });

    it("data flows: samples arrive with nothing dropped or lost", async () => {
      const t = await make();
      await t.endpoint.open();
      const c = t.endpoint.decoder.counters;
      // (the first bytes after opening may be the tail of a frame: count from identification on)
      const [samples, dropped, lost] = [c.samples, c.droppedTotal(), c.lostFrames];
      await t.run(300);
      expect(c.samples - samples).toBeGreaterThan(100);
      expect(c.droppedTotal() - dropped).toBe(0);
      expect(c.lostFrames - lost).toBe(0);
    });

    it("STREAM off → ACK 0 and samples stop; STREAM on → ACK 0 and they resume", async () => {
      const t = await make();
      await t.endpoint.open();
      const c = t.endpoint.decoder.counters;
      expect(await t.endpoint.setStreaming(false)).toBe(0);
      await t.run(100); // frames already on the way may still land
      const stopped = c.samples;
      await t.run(300);
      expect(c.samples).toBe(stopped);
      expect(await t.endpoint.setStreaming(true)).toBe(0);
      await t.run(300);
      expect(c.samples).toBeGreaterThan(stopped);
    });

    it("SET_RATE to a supported rate → ACK 0, then HELLO with the new rate", async () => {
      const t = await make();
      await t.endpoint.open();
      if (t.otherRate === undefined) {
        // a single-rate board: setting its own rate is accepted and changes nothing
        const same = await t.endpoint.setRate(t.endpoint.hello!.rate_hz);
        expect(same.result).toBe(0);
        return;
      }
      const reply = await t.endpoint.setRate(t.otherRate);
      expect(reply.result).toBe(0);
      expect(reply.hello?.rate_hz).toBe(t.otherRate);
      expect(t.endpoint.hello?.rate_hz).toBe(t.otherRate);
      expect(t.endpoint.decoder.rateHz).toBe(t.otherRate);
    });

    it("SET_RATE to a rate the board lacks → ACK result 1, rate unchanged", async () => {
      const t = await make();
      const hello = await t.endpoint.open();
      const reply = await t.endpoint.setRate(t.badRate);
      expect(reply).toEqual({ result: 1 });
      expect(t.endpoint.hello?.rate_hz).toBe(hello.rate_hz);
    });

    it("close() then open() again: identified again and data flows", async () => {
      const t = await make();
      const first = await t.endpoint.open();
      await t.endpoint.close();
      expect(t.endpoint.state).toBe("closed");
      await t.endpoint.close(); // twice is fine
      const again = await t.endpoint.open();
      expect(again.serial_no).toBe(first.serial_no);
      const before = t.endpoint.decoder.counters.samples;
      await t.run(300);
      expect(t.endpoint.decoder.counters.samples).toBeGreaterThan(before);
    });
  });
}
