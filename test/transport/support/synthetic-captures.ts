// Two boards' byte streams built frame by frame with the protocol's encoder, for replay tests that
// need exact control of times (not the simulator: no physics, plain ramps).
import { encodeFrame, type Frame } from "../../../src/protocol/index.ts";

export interface SyntheticCaptures {
  vib: Uint8Array;
  run: Uint8Array;
}

/** `seconds` of both boards starting at raw board time `startUs` (may sit just before a wrap). */
export function syntheticCaptures(seconds: number, startUs = 1_000_000): SyntheticCaptures {
  const vib: Uint8Array[] = [];
  const run: Uint8Array[] = [];
  const u32 = (t: number) => ((t % 4294967296) + 4294967296) % 4294967296;
  let vibSeq = 0;
  let runSeq = 0;
  const pushVib = (f: Frame) => vib.push(encodeFrame({ ...f, seq: vibSeq++ & 0xffff, t_us: u32(f.t_us) } as Frame));
  const pushRun = (f: Frame) => run.push(encodeFrame({ ...f, seq: runSeq++ & 0xffff, t_us: u32(f.t_us) } as Frame));
  pushVib({ type: "HELLO", seq: 0, t_us: startUs, kind: 1, fw_major: 1, fw_minor: 0, channels: 3, serial_no: 11, rate_hz: 3200, lsb: 0.0039 });
  pushRun({ type: "HELLO", seq: 0, t_us: startUs, kind: 2, fw_major: 1, fw_minor: 0, channels: 1, serial_no: 22, rate_hz: 1000, lsb: 0.1 });
  const endUs = startUs + seconds * 1e6;
  let tv = startUs + 3;
  let tr = startUs;
  let nextIndex = startUs + 150_000;
  let lastMark = 0;
  let nextStatus = startUs + 1e6;
  let nextVibStatus = startUs + 1e6;
  let k = 0;
  while (tv < endUs || tr < endUs) {
    if (tv <= tr) {
      const raw = new Int16Array(96);
      for (let i = 0; i < 96; i++) raw[i] = ((k * 96 + i) % 4000) - 2000;
      pushVib({ type: "SAMPLES", seq: 0, t_us: tv, n: 32, channels: 3, raw });
      tv += 10_000;
      k++;
      if (tv > nextVibStatus) {
        pushVib({ type: "STATUS", seq: 0, t_us: tv, flags: 0, temp_c_x100: 2500, dropped: 0 });
        nextVibStatus += 1e6;
      }
    } else {
      const raw = new Int16Array(20);
      for (let i = 0; i < 20; i++) raw[i] = Math.round(500 * Math.sin((tr + i * 1000) / 60_000));
      pushRun({ type: "SAMPLES", seq: 0, t_us: tr, n: 20, channels: 1, raw });
      tr += 20_000;
      if (tr > nextIndex) {
        pushRun({ type: "INDEX", seq: 0, t_us: tr, t_mark_us: u32(nextIndex), period_us: lastMark ? nextIndex - lastMark : 0 });
        lastMark = nextIndex;
        nextIndex += 400_000;
      }
      if (tr > nextStatus) {
        pushRun({ type: "STATUS", seq: 0, t_us: tr, flags: 0, temp_c_x100: 2400, dropped: 0 });
        nextStatus += 1e6;
      }
    }
  }
  return { vib: Buffer.concat(vib), run: Buffer.concat(run) };
}
