// Mutation fuzz: 1,000,000 corrupted frames, each followed by an intact one, fed in random chunks.
// Damage stays inside a frame (its 0x00 delimiter survives: a lost delimiter glues two frames into
// one run, which no COBS decoder can split; that case is tested in stream-decoder.test.ts).
// The oracle is decodeFrame applied to every delimited run of the bytes fed.
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../src/protocol/decode-frame.ts";
import { DROP_REASONS, FrameType, type DropReason } from "../../src/protocol/frames.ts";
import { StreamDecoder } from "../../src/protocol/stream-decoder.ts";
import { mulberry32, runStream, vibStream } from "./support/board-stream.ts";

const CORRUPTED_FRAMES = 1_000_000;
const BATCH_BYTES = 1 << 20;

/** Encoded frames (delimiter excluded) to draw from: both boards' mix. */
function framePool(): Uint8Array[] {
  const pool: Uint8Array[] = [];
  for (const s of [vibStream({ seconds: 3, seed: 5 }), runStream({ seconds: 12, seed: 6 })]) {
    for (let i = 0; i < s.starts.length; i++) {
      const end = (s.starts[i + 1] ?? s.bytes.length) - 1;
      pool.push(s.bytes.slice(s.starts[i], end));
    }
  }
  return pool;
}

/** Writes a corrupted copy of src into out at o; returns the new write position. */
function mutate(src: Uint8Array, out: Uint8Array, o: number, rnd: () => number): number {
  const start = o;
  out.set(src, o);
  let len = src.length;
  const edits = 1 + Math.floor(rnd() * 2);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * Math.max(1, len));
    switch (Math.floor(rnd() * 6)) {
      case 0: // bit flips
        for (let b = 1 + Math.floor(rnd() * 3); b > 0; b--) out[start + Math.floor(rnd() * len)] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: // byte inserted
        out.copyWithin(start + at + 1, start + at, start + len);
        out[start + at] = 1 + Math.floor(rnd() * 255);
        len++;
        break;
      case 2: // byte deleted
        if (len > 0) {
          out.copyWithin(start + at, start + at + 1, start + len);
          len--;
        }
        break;
      case 3: // truncated
        len = Math.floor(rnd() * len);
        break;
      case 4: // zero byte injected
        out.copyWithin(start + at + 1, start + at, start + len);
        out[start + at] = 0;
        len++;
        break;
      default: // byte changed
        if (len > 0) out[start + at] ^= 1 + Math.floor(rnd() * 255);
    }
  }
  // Bit flips and overwrites can make a 0x00 too: that is line damage as well.
  return start + len;
}

describe("mutation fuzz of the stream decoder", () => {
  it(`${CORRUPTED_FRAMES.toLocaleString("en")} corrupted frames: no throw, every intact frame recovered, counters add up`, () => {
    const rnd = mulberry32(20261128);
    const pool = framePool();
    const poolSig = new Float64Array(3 * pool.length);
    pool.forEach((bytes, k) => {
      const r = decodeFrame(bytes);
      if (!r.ok) throw new Error(`pool frame ${k} does not decode: ${r.reason}`);
      poolSig.set([FrameType[r.frame.type], r.frame.seq, r.frame.t_us], 3 * k);
    });
    const decoder = new StreamDecoder({ ringCapacity: 4096 });

    // Signature of each frame the decoder delivers, and of each frame the oracle says it must deliver.
    const cap = 3 * (2 * CORRUPTED_FRAMES + 10_000);
    const got = new Float64Array(cap);
    const want = new Float64Array(cap);
    let nGot = 0;
    let nWant = 0;
    const note = (type: number) => {
      got[nGot++] = type;
      got[nGot++] = decoder.lastSeq;
      got[nGot++] = decoder.lastRawTUs;
    };
    decoder.sink = {
      onHello: () => note(FrameType.HELLO),
      onSamples: () => note(FrameType.SAMPLES),
      onIndex: () => note(FrameType.INDEX),
      onLathe: () => note(FrameType.LATHE),
      onStatus: () => note(FrameType.STATUS),
      onAck: () => note(FrameType.ACK),
      onCommand: (type) => note(type),
    };

    const expected = { ok: 0, idle: 0, zeros: 0, bytes: 0, intact: 0, untouchedCopies: 0, acceptedCorrupt: 0 };
    const expectedDrops: Record<DropReason, number> = { cobs: 0, short: 0, crc: 0, version: 0, type: 0, length: 0 };
    const expectFrame = (type: number, seq: number, tUs: number) => {
      expected.ok++;
      want[nWant++] = type;
      want[nWant++] = seq;
      want[nWant++] = tUs;
    };
    /** Oracle for bytes[from, to) (to just past a 0x00): decodeFrame on each delimited run. */
    const oracle = (bytes: Uint8Array, from: number, to: number, victim: Uint8Array) => {
      let runStart = from;
      for (let i = from; i < to; i++) {
        if (bytes[i] !== 0) continue;
        expected.zeros++;
        if (i === runStart) expected.idle++;
        else {
          const r = decodeFrame(bytes.subarray(runStart, i));
          if (r.ok) {
            expectFrame(FrameType[r.frame.type], r.frame.seq, r.frame.t_us);
            // e.g. a 0x00 injected right before the frame leaves it whole after an empty run
            if (sameBytes(victim, bytes, runStart, i)) expected.untouchedCopies++;
            else expected.acceptedCorrupt++;
          } else expectedDrops[r.reason]++;
        }
        runStart = i + 1;
      }
    };

    const batch = new Uint8Array(BATCH_BYTES + 1024);
    let len = 0;
    const feed = () => {
      expected.bytes += len;
      for (let i = 0; i < len; ) {
        const n = 1 + Math.floor(rnd() * 600);
        decoder.push(batch.subarray(i, Math.min(len, i + n)));
        i += n;
      }
      len = 0;
    };
    for (let f = 0; f < CORRUPTED_FRAMES; f++) {
      const victim = pool[Math.floor(rnd() * pool.length)];
      const from = len;
      len = mutate(victim, batch, len, rnd);
      batch[len++] = 0;
      oracle(batch, from, len, victim);
      const k = Math.floor(rnd() * pool.length);
      batch.set(pool[k], len);
      len += pool[k].length;
      batch[len++] = 0;
      expected.zeros++;
      expected.intact++;
      expectFrame(poolSig[3 * k], poolSig[3 * k + 1], poolSig[3 * k + 2]);
      if (len > BATCH_BYTES) feed();
    }
    feed();

    const c = decoder.counters;
    expect(c.bytes).toBe(expected.bytes);
    expect(c.idleDelimiters).toBe(expected.idle);
    for (const reason of DROP_REASONS) expect(c.dropped(reason), reason).toBe(expectedDrops[reason]);
    expect(c.framesOk).toBe(expected.ok);
    expect(c.framesOk + c.droppedTotal() + c.idleDelimiters).toBe(expected.zeros);
    expect(decoder.pendingBytes()).toBe(0);
    // Every intact frame came through; besides them, only what the oracle accepted: copies left whole
    // (a 0x00 injected before the frame) and the rare corrupted frame that passes every check (CRC-16
    // lets about 1 in 65536 random errors through).
    expect(c.framesOk).toBe(expected.intact + expected.untouchedCopies + expected.acceptedCorrupt);
    expect(expected.acceptedCorrupt).toBeLessThan(100);
    expect(c.droppedTotal()).toBeGreaterThan(0.9 * CORRUPTED_FRAMES);
    expect(nGot).toBe(nWant);
    let firstMismatch = -1;
    for (let i = 0; i < nWant; i++) {
      if (got[i] !== want[i]) {
        firstMismatch = i;
        break;
      }
    }
    expect(firstMismatch).toBe(-1);
    console.log(`fuzz: ${CORRUPTED_FRAMES} corrupted + ${expected.intact} intact frames, ${(expected.bytes / 1e6).toFixed(1)} MB; ok ${c.framesOk}; dropped ${JSON.stringify(expectedDrops)}; idle runs ${c.idleDelimiters}; left whole ${expected.untouchedCopies}; corrupted yet accepted ${expected.acceptedCorrupt}`);
  });
});

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  if (to - from !== a.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[from + i]) return false;
  return true;
}
