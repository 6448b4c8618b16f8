// Arena planning: where every array of a network lives inside its one WebAssembly.Memory.
//
// Regions, in this order, each starting at a 16-byte-aligned byte offset (offsets below are ELEMENT
// offsets of the network's precision, as the kernels take them):
//   params   all layers contiguous; per layer weights [unit][input] row-major, then biases [unit]
//   grads    same layout as params
//   state    optimizer state, same layout as params: sgd+momentum: velocity; adam: m then v (two regions)
//   norm     only with batch-normalised layers: per such layer running mean [units], running variance [units]
//   x        input staging [batch][inputs]  (= the activations of "layer 0")
//   t        target staging [batch][outputs]
//   per layer l: z (pre-activations), a (activations), dz (deltas), each [batch][units]
//            batch-normalised layers add zn (γ·ẑ+β, what the activation reads) and xhat (ẑ), each
//            [batch][units], then mean and invstd of the last batch, each [units]
//   scratch  SCRATCH_SLOTS elements for kernel results (e.g. sumSquares)
//   stats    STATS_DOUBLES float64 slots whatever the precision (loss, penalty, last loss, and the
//            real-valued kernel parameters of the *At kernel methods), at byte offset statsByte
// `bytes` is the end of the last region rounded up to 16: the exact laid-out size, independent of
// the 64 KiB page rounding of the memory that holds it.
import type { ResolvedSpec } from "./spec.ts";

export const ALIGN_BYTES = 16;
export const PAGE_BYTES = 65536;
export const SCRATCH_SLOTS = 4;
export const STATS_DOUBLES = 16;

export interface LayerLayout {
  nIn: number;
  nOut: number;
  /** Element offsets into the arena. */
  w: number;
  b: number;
  dw: number;
  db: number;
  /** Input activations of this layer (x for the first layer, the previous layer's a otherwise). */
  in: number;
  z: number;
  a: number;
  dz: number;
  /** Batch norm only (all −1 otherwise, and zn = z): γ, β and their gradients (in params/grads,
   *  after the biases), the normalised output zn, ẑ, the batch mean and 1/√(σ²+ε), running stats. */
  gamma: number;
  beta: number;
  dgamma: number;
  dbeta: number;
  zn: number;
  xhat: number;
  mean: number;
  invstd: number;
  runMean: number;
  runVar: number;
}

export interface Layout {
  elementBytes: number;
  /** Total parameter count (weights and biases of all layers). */
  paramCount: number;
  params: number;
  grads: number;
  /** Optimizer state regions (0, 1 or 2 of them), each paramCount long. */
  state: number[];
  /** Running statistics of all batch-normalised layers (−1 when none), normCount elements. */
  norm: number;
  normCount: number;
  x: number;
  t: number;
  scratch: number;
  /** BYTE offset of the float64 stats slots. */
  statsByte: number;
  layers: LayerLayout[];
  outputs: number;
  /** Exact bytes of the laid-out arena. */
  bytes: number;
  /** WebAssembly pages needed to hold it (at least 1). */
  pages: number;
}

export function optimizerStateSlots(spec: ResolvedSpec): number {
  if (spec.optimizer.type === "adam") return 2;
  return spec.optimizer.momentum > 0 ? 1 : 0;
}

export function paramCountOf(spec: Pick<ResolvedSpec, "inputs" | "layers">): number {
  let n = 0;
  let nIn = spec.inputs;
  for (const l of spec.layers) {
    n += l.units * nIn + l.units + (l.batchNorm ? 2 * l.units : 0);
    nIn = l.units;
  }
  return n;
}

export function planLayout(spec: ResolvedSpec): Layout {
  const elementBytes = spec.precision === "f64" ? 8 : 4;
  let cursor = 0; // bytes
  const region = (elements: number): number => {
    const start = Math.ceil(cursor / ALIGN_BYTES) * ALIGN_BYTES;
    cursor = start + elements * elementBytes;
    return start / elementBytes;
  };
  const paramCount = paramCountOf(spec);
  const params = region(paramCount);
  const grads = region(paramCount);
  const state: number[] = [];
  for (let i = 0; i < optimizerStateSlots(spec); i++) state.push(region(paramCount));
  const normCount = spec.layers.reduce((n, l) => n + (l.batchNorm ? 2 * l.units : 0), 0);
  const norm = normCount > 0 ? region(normCount) : -1;
  const batch = spec.batchSize;
  const outputs = spec.layers[spec.layers.length - 1].units;
  const x = region(batch * spec.inputs);
  const t = region(batch * outputs);
  const layers: LayerLayout[] = [];
  let nIn = spec.inputs;
  let p = 0;
  let input = x;
  let normAt = norm;
  for (const l of spec.layers) {
    const nOut = l.units;
    const z = region(batch * nOut);
    const a = region(batch * nOut);
    const dz = region(batch * nOut);
    const bn = l.batchNorm === true;
    const g = p + nOut * nIn + nOut; // γ then β, after the biases
    layers.push({
      nIn, nOut, w: params + p, b: params + p + nOut * nIn, dw: grads + p, db: grads + p + nOut * nIn, in: input, z, a, dz,
      gamma: bn ? params + g : -1,
      beta: bn ? params + g + nOut : -1,
      dgamma: bn ? grads + g : -1,
      dbeta: bn ? grads + g + nOut : -1,
      zn: bn ? region(batch * nOut) : z,
      xhat: bn ? region(batch * nOut) : -1,
      mean: bn ? region(nOut) : -1,
      invstd: bn ? region(nOut) : -1,
      runMean: bn ? normAt : -1,
      runVar: bn ? normAt + nOut : -1,
    });
    if (bn) normAt += 2 * nOut;
    p += nOut * nIn + nOut + (bn ? 2 * nOut : 0);
    nIn = nOut;
    input = a;
  }
  const scratch = region(SCRATCH_SLOTS);
  const statsByte = region((STATS_DOUBLES * 8) / elementBytes) * elementBytes;
  const bytes = Math.ceil(cursor / ALIGN_BYTES) * ALIGN_BYTES;
  return {
    elementBytes,
    paramCount,
    params,
    grads,
    state,
    norm,
    normCount,
    x,
    t,
    scratch,
    statsByte,
    layers,
    outputs,
    bytes,
    pages: Math.max(1, Math.ceil(bytes / PAGE_BYTES)),
  };
}
