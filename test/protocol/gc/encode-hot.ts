// GC child script: the simulator's hot loop, encoding frames into one reused buffer.
// args[0] = "into": encodeFrameInto / encodeSamplesInto with reused frame objects (must allocate nothing);
//           "fresh": encodeFrame, a new array per frame (the control).
import { MAX_FRAME_BYTES, encodeFrame, encodeFrameInto, encodeSamplesInto } from "../../../src/protocol/encode.ts";
import type { IndexFrame, SamplesFrame, StatusFrame } from "../../../src/protocol/frames.ts";

const FRAMES = 200_000;
/** The control allocates two arrays a frame: fewer frames are plenty to see GC. */
const CONTROL_FRAMES = 40_000;

export default async function prepare(args: string[]): Promise<() => void> {
  const mode = args[0] ?? "into";
  const out = new Uint8Array(64 * MAX_FRAME_BYTES);
  const raw = new Int16Array(96);
  const samples: SamplesFrame = { type: "SAMPLES", seq: 0, t_us: 0, n: 32, channels: 3, raw };
  const index: IndexFrame = { type: "INDEX", seq: 0, t_us: 0, t_mark_us: 0, period_us: 400_000 };
  const status: StatusFrame = { type: "STATUS", seq: 0, t_us: 0, flags: 0, temp_c_x100: 3000, dropped: 0 };
  const sums = new Float64Array(1);
  const loop = (frames: number) => {
    let offset = 0;
    for (let f = 0; f < frames; f++) {
      const seq = f & 0xffff;
      const tUs = (4294000000 + f * 10_000) % 4294967296;
      for (let i = 0; i < 96; i++) raw[i] = ((f + i) * 37) % 20000 - 10000;
      if (offset > out.length - 3 * MAX_FRAME_BYTES) offset = 0;
      if (mode === "fresh") {
        samples.seq = seq;
        samples.t_us = tUs;
        sums[0] += encodeFrame(samples).length;
        continue;
      }
      if (f % 3 === 0) offset += encodeSamplesInto(seq, tUs, 32, 3, raw, 0, out, offset);
      else if (f % 3 === 1) {
        samples.seq = seq;
        samples.t_us = tUs;
        offset += encodeFrameInto(samples, out, offset);
      } else {
        index.seq = status.seq = seq;
        index.t_us = index.t_mark_us = status.t_us = tUs;
        offset += encodeFrameInto(index, out, offset);
        offset += encodeFrameInto(status, out, offset);
      }
      sums[0] += offset;
    }
  };
  loop(5000);
  const frames = mode === "fresh" ? CONTROL_FRAMES : FRAMES;
  console.log(`encoding ${frames} frames`);
  return () => loop(frames);
}
