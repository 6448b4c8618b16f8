// The chain the controller runs: RUN board bytes → StreamDecoder (clock unwrap, ring) → on each INDEX
// mark, RunoutFit over the revolution just ended → the shape's peak-to-peak, against the truth.
import { describe, expect, it } from "vitest";
import { RunoutFit } from "../../src/dsp/runout.ts";
import { encodeFrameInto, MAX_FRAME_BYTES } from "../../src/protocol/encode.ts";
import { StreamDecoder, TIME_MARK_US } from "../../src/protocol/stream-decoder.ts";
import { gaussian, mulberry32, shapeAt, truePeakToPeak, type Shape } from "./support/revolutions.ts";

const WRAP = 4294967296;

/** A RUN byte stream whose probe sees `shape` in hub angle; rpm changes every revolution. */
function runBoardBytes(shape: Shape, seconds: number, startUs: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const noise = gaussian(rnd);
  const marks = [startUs + 50_000];
  while (marks[marks.length - 1] < startUs + seconds * 1e6 + 1e6) marks.push(marks[marks.length - 1] + 60e6 / (120 + 50 * rnd()));
  const out = new Uint8Array(seconds * 4000 + 4096);
  let len = 0;
  let seq = 0;
  const put = (f: Parameters<typeof encodeFrameInto>[0]) => {
    len += encodeFrameInto(f, out, len);
    seq = (seq + 1) & 0xffff;
  };
  put({ type: "HELLO", seq, t_us: startUs % WRAP, kind: 2, fw_major: 2, fw_minor: 0, channels: 1, serial_no: 7, rate_hz: 1000, lsb: Math.fround(0.1) });
  let j = 0; // revolution containing the current sample: marks[j] ≤ t < marks[j + 1]
  let nextMark = 0; // next mark to report
  const raw = new Int16Array(20);
  for (let f = 0; f < seconds * 50; f++) {
    const t0 = startUs + f * 20_000;
    for (let k = 0; k < 20; k++) {
      const t = t0 + k * 1000;
      while (t >= marks[j + 1]) j++;
      const um = t < marks[0] ? 0 : shapeAt(shape, (2 * Math.PI * (t - marks[j])) / (marks[j + 1] - marks[j])) + 0.4 * noise();
      raw[k] = Math.round(um / 0.1);
    }
    put({ type: "SAMPLES", seq, t_us: t0 % WRAP, n: 20, channels: 1, raw });
    const built = t0 + 20_000;
    while (marks[nextMark] < built) {
      const period = nextMark === 0 ? 0 : Math.round(marks[nextMark]) - Math.round(marks[nextMark - 1]);
      put({ type: "INDEX", seq, t_us: built % WRAP, t_mark_us: Math.round(marks[nextMark]) % WRAP, period_us: period });
      nextMark++;
    }
    if (len + 4 * MAX_FRAME_BYTES > out.length) throw new Error("buffer too small");
  }
  return out.slice(0, len);
}

describe("runout from a decoded RUN stream", () => {
  it("matches the face shape's peak-to-peak per revolution, across a clock wrap and a ring wrap", () => {
    const shape: Shape = { amps: [22, 7, 2.5], phases: [0.3, 2.0, -1.1] };
    const truth = truePeakToPeak(shape);
    let truthMaxDeg = 0;
    for (let d = 0; d < 36000; d++) if (shapeAt(shape, (d / 18000) * Math.PI) > shapeAt(shape, (truthMaxDeg / 180) * Math.PI)) truthMaxDeg = d / 100;
    let worstAngle = 0;
    const bytes = runBoardBytes(shape, 20, WRAP - 8_000_000, 99);
    const decoder = new StreamDecoder({ ringCapacity: 1024, channels: 1 });
    const fit = new RunoutFit({ orders: 6 });
    const errors: number[] = [];
    let prevMark = Number.NaN;
    decoder.sink = {
      onIndex(periodUs) {
        const mark = decoder.times[TIME_MARK_US];
        if (periodUs > 0 && !Number.isNaN(prevMark)) {
          expect(Math.abs(mark - prevMark - periodUs)).toBeLessThanOrEqual(1);
          const ring = decoder.ring;
          fit.begin(prevMark, periodUs);
          fit.add(ring.timeUs, ring.values[0], ring.saturation, 1, ring.oldest(), ring.written, decoder.lsb);
          expect(fit.finish()).toBe(true);
          errors.push(fit.peakToPeak - truth);
          const off = Math.abs(fit.maxAngleDeg - truthMaxDeg) % 360;
          worstAngle = Math.max(worstAngle, Math.min(off, 360 - off));
        }
        prevMark = mark;
      },
    };
    for (let i = 0; i < bytes.length; i += 700) decoder.push(bytes.subarray(i, i + 700));
    expect(decoder.clock.wraps).toBe(1);
    expect(decoder.ring.written).toBeGreaterThan(5 * decoder.ring.capacity);
    expect(errors.length).toBeGreaterThan(40);
    const abs = errors.map(Math.abs).sort((a, b) => a - b);
    expect(abs[Math.floor(0.9 * abs.length)]).toBeLessThan(0.3);
    expect(abs[abs.length - 1]).toBeLessThan(0.5);
    // Angles are right too: the mark times and sample times agree after unwrapping.
    expect(worstAngle).toBeLessThan(2);
  });
});
