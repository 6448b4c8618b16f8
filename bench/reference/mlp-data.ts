// The data and initial weights of bench/reference/mlp.c, reimplemented bit for bit in TS so every
// JS implementation trains on the same samples from the same weights as the C reference:
// 256 samples from xorshift32 (seed 12345), inputs uniform in [0, 1); targets 0.9 / 0.1 by the
// "a + b > 1" rule (sigmoid outputs) or one-hot argmax of the first NOUT inputs (softmax);
// weights uniform in ±1/sqrt(fan_in) from seed 777, W1 [hidden][input] then W2 [out][hidden], biases 0.
// Values are computed in double, as the C program does before its cast to `real`.

export const SAMPLES = 256;
const DATA_SEED = 12345;
const WEIGHT_SEED = 777;

export interface Shape {
  nin: number;
  nhid: number;
  nout: number;
  /** softmax + cross-entropy outputs (mlp.c -DSOFTMAX=1) instead of sigmoid + half-SSE. */
  softmax: boolean;
}

export const shapeName = (s: Shape): string => `${s.nin}-${s.nhid}-${s.nout}`;

/** xorshift32 as mlp.c's xs32(), returning doubles in [0, 1) like its rnd(). */
function xorshift(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x / 4294967296;
  };
}

export interface Data {
  /** [SAMPLES][nin], sample-major. */
  x: Float64Array;
  /** [SAMPLES][nout]. */
  t: Float64Array;
}

export function makeData(s: Shape): Data {
  const rnd = xorshift(DATA_SEED);
  const x = new Float64Array(SAMPLES * s.nin);
  const t = new Float64Array(SAMPLES * s.nout);
  for (let n = 0; n < SAMPLES; n++) {
    const xd = x.subarray(n * s.nin, (n + 1) * s.nin);
    for (let i = 0; i < s.nin; i++) xd[i] = rnd();
    if (s.softmax) {
      let best = 0;
      for (let k = 1; k < s.nout; k++) if (xd[k] > xd[best]) best = k;
      for (let k = 0; k < s.nout; k++) t[n * s.nout + k] = k === best ? 1 : 0;
    } else {
      for (let k = 0; k < s.nout; k++) {
        const a = xd[k % s.nin];
        const b = xd[(k + s.nout) % s.nin];
        t[n * s.nout + k] = a + b > 1 ? 0.9 : 0.1;
      }
    }
  }
  return { x, t };
}

export interface Weights {
  w1: Float64Array; // [nhid][nin]
  b1: Float64Array;
  w2: Float64Array; // [nout][nhid]
  b2: Float64Array;
}

export function initWeights(s: Shape): Weights {
  const rnd = xorshift(WEIGHT_SEED);
  const r1 = 1 / Math.sqrt(s.nin);
  const r2 = 1 / Math.sqrt(s.nhid);
  const w1 = new Float64Array(s.nhid * s.nin);
  const w2 = new Float64Array(s.nout * s.nhid);
  for (let i = 0; i < w1.length; i++) w1[i] = (rnd() * 2 - 1) * r1;
  for (let i = 0; i < w2.length; i++) w2[i] = (rnd() * 2 - 1) * r2;
  return { w1, b1: new Float64Array(s.nhid), w2, b2: new Float64Array(s.nout) };
}

/** Sum of all parameters in mlp.c's order (W1, W2, b1, b2), in double: its `checksum()`. */
export function checksum(w: Weights): number {
  let sum = 0;
  for (const part of [w.w1, w.w2, w.b1, w.b2]) for (let i = 0; i < part.length; i++) sum += part[i];
  return sum;
}
