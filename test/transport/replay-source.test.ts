import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StreamDecoder, TIME_FRAME_US, TIME_MARK_US, type FrameSink } from "../../src/protocol/index.ts";
import { CaptureWriter } from "../../src/transport/capture-writer.ts";
import { ReplaySource } from "../../src/transport/replay-source.ts";
import { syntheticCaptures } from "./support/synthetic-captures.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgeprop-replay-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Logged = [board: "vib" | "run", what: string, tUs: number, a: number, b: number];

function recorder(board: "vib" | "run", log: Logged[], decoder: () => StreamDecoder): FrameSink {
  const t = () => decoder().times[TIME_FRAME_US];
  return {
    onHello: (kind, _ma, _mi, _ch, serial) => log.push([board, "hello", t(), kind, serial]),
    onSamples: (first, n) => {
      const ring = decoder().ring;
      log.push([board, "samples", ring.timeUs[ring.slot(first)], first, n]);
    },
    onIndex: (period) => log.push([board, "index", t(), decoder().times[TIME_MARK_US], period]),
    onStatus: (flags, temp) => log.push([board, "status", t(), flags, temp]),
    onGap: (lost, seq) => log.push([board, "gap", Number.NaN, lost, seq]),
    onDrop: (reason) => log.push([board, "drop:" + reason, Number.NaN, 0, 0]),
  };
}

async function replay(readBytes: number): Promise<{ log: Logged[]; vib: StreamDecoder; run: StreamDecoder; stats: object }> {
  const log: Logged[] = [];
  const source: ReplaySource = new ReplaySource({
    dir,
    readBytes,
    vib: { sink: recorder("vib", log, () => source.vib) },
    run: { sink: recorder("run", log, () => source.run) },
  });
  const stats = await source.play();
  return { log, vib: source.vib, run: source.run, stats };
}

function ringDigest(d: StreamDecoder): number[] {
  const out: number[] = [];
  for (let i = d.ring.oldest(); i < d.ring.written; i++) {
    const s = d.ring.slot(i);
    out.push(d.ring.timeUs[s], d.ring.values[0][s], d.ring.segment[s]);
  }
  return out;
}

describe("ReplaySource", () => {
  it("merges both captures in board-time order, also across a clock wrap", async () => {
    const c = syntheticCaptures(3, 4294967296 - 1_500_000); // wraps 1.5 s in
    await writeFile(join(dir, "vib.bin"), c.vib);
    await writeFile(join(dir, "run.bin"), c.run);
    const { log, stats } = await replay(65536);
    const times = log.map((e) => e[2]);
    for (let i = 1; i < times.length; i++) expect(times[i], `entry ${i}: ${log[i]}`).toBeGreaterThanOrEqual(times[i - 1]);
    expect(times.at(-1)! - times[0]).toBeGreaterThan(2.9e6);
    expect(log.filter((e) => e[1] === "samples" && e[0] === "vib")).toHaveLength(300);
    expect(stats).toMatchObject({ bytes: c.vib.length + c.run.length });
  });

  it("gives identical decoded results whatever the read size, with damage in both files", async () => {
    const c = syntheticCaptures(2);
    const vib = Buffer.from(c.vib);
    const run = Buffer.from(c.run);
    for (let i = 1000; i < vib.length; i += 4999) vib[i] ^= 0x5a; // corruption the line suffered
    run.fill(0x41, 3000, 3600); // a burst with no delimiter: longer than any frame
    await writeFile(join(dir, "vib.bin"), vib);
    await writeFile(join(dir, "run.bin"), run.subarray(0, run.length - 7)); // capture cut mid-frame
    const reference = await replay(65536);
    expect(reference.vib.counters.droppedTotal()).toBeGreaterThan(0);
    expect(reference.run.counters.dropped("length")).toBeGreaterThan(0);
    for (const readBytes of [1, 7, 255, 256, 4096]) {
      const r = await replay(readBytes);
      expect(r.log, `readBytes ${readBytes}`).toEqual(reference.log);
      expect(r.vib.counters.snapshot()).toEqual(reference.vib.counters.snapshot());
      expect(r.run.counters.snapshot()).toEqual(reference.run.counters.snapshot());
      expect(ringDigest(r.vib)).toEqual(ringDigest(reference.vib));
      expect(ringDigest(r.run)).toEqual(ringDigest(reference.run));
    }
    // and each board's results equal decoding its file alone in one chunk
    const alone = new StreamDecoder({ channels: 3 });
    alone.push(vib);
    expect(reference.vib.counters.snapshot()).toEqual(alone.counters.snapshot());
    expect(ringDigest(reference.vib)).toEqual(ringDigest(alone));
  });

  it("reads back what CaptureWriter wrote, byte for byte", async () => {
    const c = syntheticCaptures(1);
    for (const [name, bytes] of [["vib.bin", c.vib], ["run.bin", c.run]] as const) {
      const w = await CaptureWriter.open(join(dir, name), { bufferBytes: 1000 });
      for (let i = 0; i < bytes.length; i += 333) w.write(bytes.subarray(i, i + 333));
      await w.close();
    }
    const { vib, run, stats } = await replay(4096);
    expect(stats).toMatchObject({ bytes: c.vib.length + c.run.length });
    expect(vib.counters.droppedTotal() + run.counters.droppedTotal()).toBe(0);
    expect(vib.counters.samples).toBe(100 * 32);
    expect(run.counters.samples).toBe(50 * 20);
  });

  it("names the capture it cannot read", async () => {
    await writeFile(join(dir, "vib.bin"), new Uint8Array(0));
    const source = new ReplaySource({ dir });
    await expect(source.play()).rejects.toMatchObject({
      code: "EP_ERR_CAPTURE_READ",
      message: expect.stringContaining(join(dir, "run.bin")),
    });
  });
});
