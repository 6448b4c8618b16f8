// A synthetic probe stream over consecutive revolutions: a rigid face (orders 2..5), a 1st order
// that wanders from one revolution to the next (constant within each), an optional non-synchronous
// line (a rattle), optional spindle speed variation, and Gaussian noise, sampled at 1000 Hz. Each revolution's true shape p2p is the
// noise-free, line-free profile's.
import { gaussian, mulberry32 } from "./revolutions.ts";

export interface RattleStreamOptions {
  revolutions: number;
  rpm: number;
  /** Line frequency Hz and amplitude µm (0 = none). */
  lineHz: number;
  lineUm: number;
  /** rms µm of each component of the 1st order's revolution-to-revolution wander. */
  wanderUm: number;
  noiseUm: number;
  seed: number;
  /** Mean 1st-order amplitude µm (default 13: 12 cos + 5 sin). */
  firstOrderUm?: number;
  /** Spindle speed variation: relative amplitude of a 1.2 Hz sinusoid (default 0: constant speed).
   *  The INDEX marks then fall where the turned angle reaches whole revolutions, and the angle within
   *  a revolution is no longer linear in time (as a real spindle's). */
  speedJitter?: number;
}

export interface RattleStream {
  /** All samples: time µs and value µm. */
  times: Float64Array;
  values: Float64Array;
  /** Per revolution: start µs, period µs, first sample, end sample, true shape p2p µm. */
  revs: { startUs: number; periodUs: number; from: number; to: number; p2p: number }[];
}

export function rattleStream(o: RattleStreamOptions): RattleStream {
  const rnd = mulberry32(o.seed);
  const g = gaussian(rnd);
  const face = [0, 0, 4 * rnd() + 2, 3 * rnd() + 1, 2 * rnd() + 0.5, rnd() + 0.3];
  const facePh = face.map(() => 2 * Math.PI * rnd());
  const periodUs = 60e6 / o.rpm;
  const times: number[] = [];
  const values: number[] = [];
  const revs: RattleStream["revs"] = [];
  const c1Mean = o.firstOrderUm === undefined ? 12 : (o.firstOrderUm * 12) / 13;
  const s1Mean = o.firstOrderUm === undefined ? 5 : (o.firstOrderUm * 5) / 13;
  let c1 = c1Mean;
  let s1 = s1Mean;
  let t = 7e9 + 1000 * Math.floor(1000 * rnd());
  const t0 = 7e9 + 333.3;
  let start = t - 200 * rnd();
  // Turned angle in revolutions since the first mark (speed variation: b sin, b in revolutions).
  const jitter = o.speedJitter ?? 0;
  const tRef = start;
  const wS = (2 * Math.PI * 1.2) / 1e6;
  const b = jitter / (wS * periodUs);
  const turned = (tt: number) => (tt - tRef) / periodUs + b * Math.sin(wS * (tt - tRef));
  const markAt = (rev: number) => {
    let tt = tRef + rev * periodUs;
    for (let i = 0; i < 30; i++) tt -= (turned(tt) - rev) / (1 / periodUs + b * wS * Math.cos(wS * (tt - tRef)));
    return tt;
  };
  for (let r = 0; r < o.revolutions; r++) {
    c1 = c1Mean + 0.8 * (c1 - c1Mean) + o.wanderUm * 0.6 * g();
    s1 = s1Mean + 0.8 * (s1 - s1Mean) + o.wanderUm * 0.6 * g();
    const shape = (theta: number) => {
      let v = c1 * Math.cos(theta) + s1 * Math.sin(theta);
      for (let k = 2; k < face.length; k++) v += face[k] * Math.cos(k * theta + facePh[k]);
      return v;
    };
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 3600; i++) {
      const v = shape((2 * Math.PI * i) / 3600);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const from = times.length;
    const end = jitter === 0 ? start + periodUs : markAt(r + 1);
    while (t < end) {
      const theta = jitter === 0 ? (2 * Math.PI * (t - start)) / periodUs : 2 * Math.PI * (turned(t) - r);
      times.push(t);
      values.push(shape(theta) + o.lineUm * Math.sin((2 * Math.PI * o.lineHz * (t - t0)) / 1e6) + o.noiseUm * g());
      t += 1000;
    }
    revs.push({ startUs: start, periodUs: jitter === 0 ? periodUs : end - start, from, to: times.length, p2p: hi - lo });
    start = end;
  }
  return { times: Float64Array.from(times), values: Float64Array.from(values), revs };
}
