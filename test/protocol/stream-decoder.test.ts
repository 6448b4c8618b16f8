import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../src/protocol/decode-frame.ts";
import { encodeFrame } from "../../src/protocol/encode.ts";
import type { Frame } from "../../src/protocol/frames.ts";
import { SampleRing } from "../../src/protocol/sample-ring.ts";
import { StreamDecoder } from "../../src/protocol/stream-decoder.ts";
import { mulberry32, runStream, vibStream } from "./support/board-stream.ts";
import { plain, recordInto } from "./support/recording-sink.ts";
import { fromHex, vectors } from "./vectors.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function pushInChunks(decoder: StreamDecoder, bytes: Uint8Array, seed: number, maxChunk: number): number {
  const rnd = mulberry32(seed);
  let chunks = 0;
  for (let i = 0; i < bytes.length; chunks++) {
    const n = 1 + Math.floor(rnd() * maxChunk);
    decoder.push(bytes.subarray(i, Math.min(bytes.length, i + n)));
    i += n;
  }
  return chunks;
}

describe("StreamDecoder on the datasheet vectors", () => {
  for (const v of vectors.frames) {
    it(`${v.name}: whole and byte by byte`, () => {
      const bytes = fromHex(v.hex);
      const single = decodeFrame(bytes);
      for (const chunk of [bytes.length, 1]) {
        const decoder = new StreamDecoder();
        const rec = recordInto(decoder);
        pushInChunks(decoder, bytes, 1, chunk === 1 ? 0 : bytes.length);
        if (v.expect.ok) {
          expect(rec.frames.map(plain)).toEqual([plain((single as { frame: Frame }).frame)]);
          expect(rec.frames[0].type).toBe(v.expect.type);
          expect(decoder.counters.droppedTotal()).toBe(0);
        } else {
          expect(rec.frames).toEqual([]);
          expect(rec.drops).toEqual([v.expect.reason]);
          expect(decoder.counters.dropped(v.expect.reason as never)).toBe(1);
        }
      }
    });
  }

  it("all frame vectors in one stream: every good one decoded, every bad one counted by reason", () => {
    const decoder = new StreamDecoder();
    const rec = recordInto(decoder);
    decoder.push(concat(vectors.frames.map((v) => fromHex(v.hex))));
    const good = vectors.frames.filter((v) => v.expect.ok);
    expect(rec.frames.map((f) => f.type)).toEqual(good.map((v) => (v.expect as { type: string }).type));
    expect(rec.drops).toEqual(vectors.frames.filter((v) => !v.expect.ok).map((v) => (v.expect as { reason: string }).reason));
    expect(decoder.counters.framesOk).toBe(good.length);
  });

  for (const s of vectors.streams) {
    it(`stream vector: ${s.name}`, () => {
      const bytes = fromHex(s.hex);
      for (const maxChunk of [bytes.length, 1, 3, 7]) {
        const decoder = new StreamDecoder();
        const rec = recordInto(decoder);
        pushInChunks(decoder, bytes, maxChunk, maxChunk);
        expect(rec.frames.map((f) => f.type)).toEqual(s.expect_types);
        expect(decoder.counters.droppedTotal()).toBeGreaterThanOrEqual(s.expect_dropped_at_least);
        // Junk fails COBS; the truncated LATHE is too short. Its re-sent copy has the same seq: no gap.
        expect(rec.drops).toEqual(["cobs", "short"]);
        expect(decoder.counters.lostFrames).toBe(0);
      }
    });
  }
});

describe("StreamDecoder on long realistic streams", () => {
  const streams = {
    vib: vibStream({ seconds: 40, seed: 11, startUs: 4294967296 - 15_000_000 }),
    run: runStream({ seconds: 40, seed: 12, startUs: 4294967296 - 15_000_000 }),
  };

  for (const [name, s] of Object.entries(streams)) {
    it(`${name}: random chunks of 1..N bytes decode exactly like one chunk, and like the encoder's input`, () => {
      const one = new StreamDecoder();
      const oneRec = recordInto(one);
      one.push(s.bytes);
      expect(oneRec.frames.map(plain)).toEqual(s.frames.map(plain));
      expect(one.counters.framesOk).toBe(s.frames.length);
      expect(one.counters.droppedTotal() + one.counters.lostFrames + one.counters.gaps).toBe(0);
      for (const [seed, maxChunk] of [[1, 2], [2, 17], [3, 300], [4, 5000]]) {
        const d = new StreamDecoder();
        const rec = recordInto(d);
        const chunks = pushInChunks(d, s.bytes, seed, maxChunk);
        expect(chunks).toBeGreaterThan(s.bytes.length / maxChunk);
        expect(rec.frames.map(plain)).toEqual(oneRec.frames.map(plain));
        expect(d.counters.snapshot()).toEqual(one.counters.snapshot());
        expect(d.clock.wraps).toBe(1);
      }
    });

    it(`${name}: ring times are continuous across the clock wrap`, () => {
      const d = new StreamDecoder({ ringCapacity: s.samples + 10 });
      d.push(s.bytes);
      const ring = d.ring;
      expect(ring.written).toBe(s.samples);
      const dt = 1e6 / d.rateHz;
      let maxErr = 0;
      for (let i = 1; i < ring.written; i++) maxErr = Math.max(maxErr, Math.abs(ring.timeUs[i] - ring.timeUs[i - 1] - dt));
      expect(maxErr).toBeLessThan(1);
      expect(ring.timeUs[ring.written - 1]).toBeGreaterThan(4294967296);
      expect(ring.segment[ring.written - 1]).toBe(0);
    });
  }

  it("marks saturated samples in the saturation ring", () => {
    const d = new StreamDecoder({ ringCapacity: streams.vib.samples });
    d.push(streams.vib.bytes);
    let flagged = 0;
    let saturated = 0;
    let mismatched = 0;
    for (let i = 0; i < d.ring.written; i++) {
      for (let c = 0; c < 3; c++) {
        const raw = d.ring.values[c][i];
        const isSat = raw === 32767 || raw === -32768;
        const isFlagged = ((d.ring.saturation[i] >> c) & 1) === 1;
        if (isSat) saturated++;
        if (isFlagged) flagged++;
        if (isSat !== isFlagged) mismatched++;
      }
    }
    expect(saturated).toBeGreaterThan(0);
    expect(mismatched).toBe(0);
    expect(flagged).toBe(saturated);
    expect(d.ring.saturatedValues).toBe(saturated);
  });
});

describe("StreamDecoder continuity", () => {
  const s = runStream({ seconds: 5, seed: 3 });
  const pieces = s.starts.map((start, i) => s.bytes.subarray(start, s.starts[i + 1] ?? s.bytes.length));

  it("counts frames lost in a seq gap, reports it, and starts a new sample segment", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    const kept = pieces.filter((_, i) => i < 10 || i >= 14);
    d.push(concat(kept));
    expect(rec.gaps).toEqual([4]);
    expect(d.counters.lostFrames).toBe(4);
    expect(d.counters.gaps).toBe(1);
    const ring = d.ring;
    const segs = new Set(Array.from(ring.segment.subarray(0, ring.written)));
    expect([...segs]).toEqual([0, 1]);
  });

  it("counts a seq wrap 65535 → 0 as continuous", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    const frames: Frame[] = [65533, 65534, 65535, 0, 1].map((seq) => ({ type: "STATUS", seq, t_us: seq, flags: 0, temp_c_x100: 0, dropped: 0 }));
    d.push(concat(frames.map(encodeFrame)));
    expect(rec.frames.length).toBe(5);
    expect(d.counters.gaps).toBe(0);
  });

  it("treats a HELLO with seq 0 mid-stream as a board reset, not a loss", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    d.push(concat(pieces.slice(0, 20)));
    const segBefore = d.segment;
    d.push(concat(pieces.slice(0, 20))); // the board rebooted: HELLO seq 0, same frames again
    expect(rec.resets).toBe(1);
    expect(d.counters.resets).toBe(1);
    expect(d.counters.lostFrames).toBe(0);
    expect(d.segment).toBe(segBefore + 1);
    expect(rec.frames.length).toBe(40);
  });

  it("drops an over-long run without 0x00 as one length drop and resyncs at the next delimiter", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    const junk = new Uint8Array(1000).fill(0x55);
    const bytes = concat([junk, Uint8Array.of(0), pieces[0], junk.subarray(0, 300), pieces[1], pieces[2]]);
    pushInChunks(d, bytes, 9, 64);
    expect(rec.drops).toEqual(["length", "length"]);
    // pieces[1] is glued to the junk before it, so it is lost with it; pieces[0] and pieces[2] survive.
    expect(rec.frames.map(plain)).toEqual([plain(s.frames[0]), plain(s.frames[2])]);
    expect(d.counters.gaps).toBe(1);
    expect(d.pendingBytes()).toBe(0);
  });

  it("stays usable after a sink callback throws", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    const recorded = d.sink;
    let thrown = 0;
    d.sink = {
      ...recorded,
      onLathe() {
        thrown++;
        throw new Error("sink bug");
      },
    };
    const lathe = s.frames.findIndex((f) => f.type === "LATHE");
    const bytes = concat(pieces.slice(0, lathe + 3));
    // Split inside the LATHE frame, so that it is completed from the pending buffer.
    const cut = s.starts[lathe] + 3;
    d.push(bytes.subarray(0, cut));
    expect(() => d.push(bytes.subarray(cut))).toThrow("sink bug");
    expect(thrown).toBe(1);
    d.sink = recorded;
    d.push(concat(pieces.slice(lathe + 3, lathe + 6)));
    expect(d.pendingBytes()).toBe(0);
    expect(d.counters.droppedTotal()).toBe(0);
    // The two frames after the LATHE in the throwing chunk were not decoded: a gap of 2.
    expect(rec.gaps).toEqual([2]);
    expect(rec.frames.map(plain)).toEqual([...s.frames.slice(0, lathe), ...s.frames.slice(lathe + 3, lathe + 6)].map(plain));
  });

  it("counts empty runs as idle delimiters, not frames", () => {
    const d = new StreamDecoder();
    d.push(concat([Uint8Array.of(0, 0), pieces[0], Uint8Array.of(0)]));
    expect(d.counters.idleDelimiters).toBe(3);
    expect(d.counters.framesOk).toBe(1);
    expect(d.counters.droppedTotal()).toBe(0);
  });

  it("infers the sample rate from frame spacing when no HELLO was heard", () => {
    const d = new StreamDecoder();
    d.push(concat(pieces.slice(1)));
    expect(d.rateHz).toBeCloseTo(1000, 6);
    const ring = d.ring;
    expect(Number.isNaN(ring.timeUs[1])).toBe(true);
    expect(ring.timeUs[21] - ring.timeUs[20]).toBeCloseTo(1000, 6);
    const withOption = new StreamDecoder({ rateHz: 1000 });
    withOption.push(concat(pieces.slice(1)));
    expect(withOption.ring.timeUs[1] - withOption.ring.timeUs[0]).toBe(1000);
  });

  it("delivers commands in the controller-to-board direction", () => {
    const d = new StreamDecoder();
    const rec = recordInto(d);
    const cmds: Frame[] = [
      { type: "PING", seq: 0, t_us: 0 },
      { type: "STREAM", seq: 1, t_us: 0, on: 1 },
      { type: "SET_RATE", seq: 2, t_us: 0, rate_hz: 800 },
    ];
    d.push(concat(cmds.map(encodeFrame)));
    expect(rec.frames).toEqual(cmds);
  });

  it("stores the first channels of a frame wider than the ring, zeros for missing ones", () => {
    const d = new StreamDecoder({ ring: new SampleRing({ capacity: 64, channels: 2 }) });
    const rec = recordInto(d);
    d.push(encodeFrame({ type: "SAMPLES", seq: 0, t_us: 5, n: 2, channels: 3, raw: [1, 2, 3, 4, 5, 6] }));
    d.push(encodeFrame({ type: "SAMPLES", seq: 1, t_us: 7, n: 1, channels: 1, raw: [9] }));
    expect(Array.from(d.ring.values[0].subarray(0, 3))).toEqual([1, 4, 9]);
    expect(Array.from(d.ring.values[1].subarray(0, 3))).toEqual([2, 5, 0]);
    expect(rec.frames.length).toBe(2);
  });
});
