// The WebAssembly SIMD kernels against the TypeScript reference kernels, method by method, on
// random data in both precisions, odd sizes and unaligned offsets. Each case runs both kernels on
// identical copies of a whole arena and compares EVERY element of it, so a stray write outside the
// named output range fails too.
//
// Tolerances (per element, |wasm − ts| ≤ tol·(1 + |ts|)): f64 1e-12 (SIMD changes only the order
// of additions); f32 2e-5 (the reference accumulates in doubles and rounds once, the f32 kernels
// compute in f32, so sums of up to 784 terms differ by many f32 ulps).
import { describe, expect, it } from "vitest";
import { TsKernels } from "../../src/core/kernels/ts.ts";
import type { Kernels, Precision } from "../../src/core/kernels/types.ts";
import { createWasmKernels } from "../../src/core/kernels/wasm/provider.ts";

const PAGES = 16; // 1 MiB: room for a 784×17 matrix and its neighbours
const TOL: Record<Precision, number> = { f64: 1e-12, f32: 2e-5 };

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

interface Pair {
  ts: Kernels;
  wasm: Kernels;
  a: Float64Array | Float32Array; // the TS side's arena
  b: Float64Array | Float32Array; // the WASM side's arena
}

/** Two arenas with the same random content in [lo, hi), one per implementation. */
function pair(precision: Precision, seed: number, lo = -1, hi = 1): Pair {
  const ma = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
  const mb = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
  const view = (m: WebAssembly.Memory) => (precision === "f64" ? new Float64Array(m.buffer) : new Float32Array(m.buffer));
  const a = view(ma);
  const b = view(mb);
  const r = rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * r();
  b.set(a);
  const wasm = createWasmKernels(mb, precision);
  if (!wasm) throw new Error("WebAssembly SIMD kernels unavailable on this Node");
  return { ts: new TsKernels(ma, precision), wasm, a, b };
}

/** Largest |wasm − ts| / (1 + |ts|) over the whole arena (NaN where only one side is NaN → Infinity). */
function worst(p: Pair): number {
  let w = 0;
  for (let i = 0; i < p.a.length; i++) {
    const x = p.a[i];
    const y = p.b[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const e = Math.abs(x - y) / (1 + Math.abs(x));
    if (!(e <= w)) w = Number.isNaN(e) ? Infinity : e;
  }
  return w;
}

function both(p: Pair, call: (k: Kernels) => void): number {
  call(p.ts);
  call(p.wasm);
  return worst(p);
}

const PRECISIONS: Precision[] = ["f64", "f32"];
const N_IN = [1, 3, 7, 17, 784];
const N_OUT = [1, 3, 5, 16];
const BATCH = [1, 3, 8];

describe.each(PRECISIONS)("WASM kernels match the TS reference (%s)", (precision) => {
  const tol = TOL[precision];
  // odd element offsets: blocks need not be 16-byte aligned inside the params region
  const W = 3;
  const B = 20_003;
  const X = 21_001;
  const Z = 30_005;

  it("denseForward", () => {
    let seed = 1;
    for (const nIn of N_IN)
      for (const nOut of N_OUT)
        for (const batch of BATCH) {
          const p = pair(precision, seed++);
          expect(both(p, (k) => k.denseForward(W, B, X, Z, nOut, nIn, batch)), `${nOut}x${nIn} batch ${batch}`).toBeLessThanOrEqual(tol);
        }
  });

  it("denseGrad (overwrites dW and dB)", () => {
    let seed = 100;
    for (const nIn of N_IN)
      for (const nOut of N_OUT)
        for (const batch of BATCH) {
          const p = pair(precision, seed++);
          expect(both(p, (k) => k.denseGrad(Z, X, W, B, nOut, nIn, batch)), `${nOut}x${nIn} batch ${batch}`).toBeLessThanOrEqual(tol);
        }
  });

  it("denseBackInput", () => {
    let seed = 200;
    for (const nIn of N_IN)
      for (const nOut of N_OUT)
        for (const batch of BATCH) {
          const p = pair(precision, seed++);
          expect(both(p, (k) => k.denseBackInput(W, Z, X, nOut, nIn, batch)), `${nOut}x${nIn} batch ${batch}`).toBeLessThanOrEqual(tol);
        }
  });

  it("sgdStep: plain, momentum, Nesterov", () => {
    let seed = 300;
    for (const n of [1, 3, 7, 17, 784, 1001])
      for (const [mu, nest] of [
        [0, 0],
        [0.9, 0],
        [0.9, 1],
      ]) {
        const p = pair(precision, seed++);
        expect(both(p, (k) => k.sgdStep(5, 40_001, 80_003, n, 0.1, mu, nest)), `n ${n} mu ${mu} nesterov ${nest}`).toBeLessThanOrEqual(tol);
      }
  });

  it("adamStep", () => {
    let seed = 400;
    for (const n of [1, 3, 7, 17, 784, 1001]) {
      const p = pair(precision, seed++, 0.01, 1); // v ≥ 0 as Adam keeps it
      expect(both(p, (k) => k.adamStep(5, 40_001, 80_003, 90_007, n, 0.01, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3)), `n ${n}`).toBeLessThanOrEqual(tol);
    }
  });

  it("activationForward for every activation, including exp's overflow and underflow range", () => {
    let seed = 500;
    for (const act of [0, 1, 2, 3, 4])
      for (const [lo, hi] of [
        [-10, 10],
        [-900, 900],
        [-1e-6, 1e-6],
      ])
        for (const n of [1, 3, 7, 17, 100]) {
          const p = pair(precision, seed++, lo, hi);
          expect(both(p, (k) => k.activationForward(act, 9, 1_001, n)), `act ${act} n ${n} range ${lo}`).toBeLessThanOrEqual(tol);
        }
  });

  it("activationBackward for every activation, out of place and in place", () => {
    let seed = 600;
    for (const act of [0, 1, 2, 3, 4])
      for (const n of [1, 3, 7, 17, 100]) {
        const p = pair(precision, seed++, -2, 2);
        expect(both(p, (k) => k.activationBackward(act, 9, 1_001, 2_003, 3_005, n)), `act ${act} n ${n}`).toBeLessThanOrEqual(tol);
        const q = pair(precision, seed++, -2, 2);
        expect(both(q, (k) => k.activationBackward(act, 9, 1_001, 2_003, 2_003, n)), `in place act ${act} n ${n}`).toBeLessThanOrEqual(tol);
      }
  });

  it("softmaxForward", () => {
    let seed = 700;
    for (const units of [1, 2, 3, 7, 10, 17])
      for (const batch of BATCH) {
        const p = pair(precision, seed++, -30, 30);
        expect(both(p, (k) => k.softmaxForward(9, 1_001, units, batch)), `${units} units batch ${batch}`).toBeLessThanOrEqual(tol);
      }
  });

  it("sumSquares and scale", () => {
    let seed = 800;
    for (const n of [1, 3, 7, 17, 784, 1001]) {
      const p = pair(precision, seed++);
      expect(both(p, (k) => k.sumSquares(7, n, 5_001)), `sumSquares n ${n}`).toBeLessThanOrEqual(tol);
      const q = pair(precision, seed++);
      expect(both(q, (k) => k.scale(7, n, 0.37)), `scale n ${n}`).toBeLessThanOrEqual(tol);
    }
  });

  it("sumSquares turns a non-finite element into a non-finite result", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const p = pair(precision, 900);
      p.b[7 + 11] = bad;
      p.wasm.sumSquares(7, 100, 5_001);
      expect(Number.isFinite(p.b[5_001])).toBe(false);
    }
  });
});
