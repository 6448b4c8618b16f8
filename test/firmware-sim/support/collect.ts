// Test helpers: run a simulator and decode every byte it sends with decodeFrame, per board.
import { decodeFrame, type Frame } from "../../../src/protocol/index.ts";
import type { SimChunk, Simulator } from "../../../firmware-sim/index.ts";

export interface Decoded {
  frames: Record<"vib" | "run", Frame[]>;
  bad: Record<"vib" | "run", number>;
  bytes: Record<"vib" | "run", number>;
}

/** Splits bytes at 0x00 and decodes each frame; a partial frame at the end is carried in `rest`. */
export function decodeInto(bytes: Uint8Array, rest: number[], frames: Frame[]): number {
  let bad = 0;
  for (const b of bytes) {
    rest.push(b);
    if (b !== 0) continue;
    const r = decodeFrame(Uint8Array.from(rest));
    rest.length = 0;
    if (r.ok) frames.push(r.frame);
    else bad++;
  }
  return bad;
}

/** Runs sim to its end (or until untilSimUs) and decodes everything. */
export function collect(sim: Simulator, untilSimUs = Infinity, onChunk?: (c: SimChunk) => void): Decoded {
  const out: Decoded = { frames: { vib: [], run: [] }, bad: { vib: 0, run: 0 }, bytes: { vib: 0, run: 0 } };
  const rest = { vib: [] as number[], run: [] as number[] };
  while (!sim.done && sim.simUs < untilSimUs) {
    for (const c of sim.step()) {
      onChunk?.(c);
      out.bytes[c.board] += c.bytes.length;
      out.bad[c.board] += decodeInto(c.bytes, rest[c.board], out.frames[c.board]);
    }
  }
  return out;
}

export function ofType<T extends Frame["type"]>(frames: Frame[], type: T): Extract<Frame, { type: T }>[] {
  return frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
}

/** Unwraps u32 µs times into a continuous timeline (they arrive in order). */
export function unwrapper(): (t: number) => number {
  let base = 0;
  let last = -1;
  return (t) => {
    if (last >= 0 && t < last - 2 ** 31) base += 2 ** 32;
    last = t;
    return base + t;
  };
}

/** Least-squares amplitude of orders 1..K (and DC) of values y at angles th (rad). */
export function fitOrders(
  th: number[],
  y: number[],
  K: number,
): { amp: number[]; cos: number[]; sin: number[]; fit: (t: number) => number; resid: number } {
  const n = 1 + 2 * K;
  const A = Array.from({ length: n }, () => new Float64Array(n));
  const b = new Float64Array(n);
  const row = new Float64Array(n);
  const basis = (t: number) => {
    row[0] = 1;
    for (let k = 1; k <= K; k++) {
      row[2 * k - 1] = Math.cos(k * t);
      row[2 * k] = Math.sin(k * t);
    }
    return row;
  };
  for (let i = 0; i < th.length; i++) {
    const r = basis(th[i]);
    for (let p = 0; p < n; p++) {
      b[p] += r[p] * y[i];
      for (let q = 0; q < n; q++) A[p][q] += r[p] * r[q];
    }
  }
  // Gaussian elimination (small, well-conditioned).
  const x = Float64Array.from(b);
  const M = A.map((r) => Float64Array.from(r));
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    [x[c], x[piv]] = [x[piv], x[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let q = c; q < n; q++) M[r][q] -= f * M[c][q];
      x[r] -= f * x[c];
    }
  }
  for (let c = 0; c < n; c++) x[c] /= M[c][c];
  const fit = (t: number) => {
    const r = basis(t);
    let s = 0;
    for (let p = 0; p < n; p++) s += r[p] * x[p];
    return s;
  };
  let ss = 0;
  for (let i = 0; i < th.length; i++) ss += (y[i] - fit(th[i])) ** 2;
  const amp = [Math.abs(x[0])];
  const cos = [x[0]];
  const sin = [0];
  for (let k = 1; k <= K; k++) {
    amp.push(Math.hypot(x[2 * k - 1], x[2 * k]));
    cos.push(x[2 * k - 1]);
    sin.push(x[2 * k]);
  }
  return { amp, cos, sin, fit, resid: Math.sqrt(ss / th.length) };
}

/** max − min of f over one turn. */
export function p2p(f: (t: number) => number, points = 720): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < points; i++) {
    const v = f((2 * Math.PI * i) / points);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

/** Samples of one channel with their unwrapped board times (µs). */
export function samplesOf(frames: Frame[], channel: number, rate: number): { t: number[]; v: number[] } {
  const un = unwrapper();
  const t: number[] = [];
  const v: number[] = [];
  for (const f of frames) {
    if (f.type !== "SAMPLES") continue;
    const t0 = un(f.t_us);
    for (let k = 0; k < f.n; k++) {
      t.push(t0 + (k * 1e6) / rate);
      v.push(f.raw[k * f.channels + channel]);
    }
  }
  return { t, v };
}
