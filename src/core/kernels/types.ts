// The per-layer arithmetic of the core, behind one small interface so a WebAssembly SIMD
// implementation can replace the plain TypeScript reference (./ts.ts) without touching the network.
//
// Contract for every implementation:
// - A kernels object is created once per network, bound to that network's arena: the
//   `WebAssembly.Memory` whose buffer holds every typed view of the network (see ../layout.ts).
// - Every offset argument is an ELEMENT offset into one typed view spanning the whole arena
//   (Float64Array for precision "f64", Float32Array for "f32"). Regions start 16-byte aligned;
//   per-layer weight blocks inside the contiguous params region need not be.
// - Matrices are row-major. Activations, pre-activations and deltas are sample-major:
//   X is [batch][nIn], Z and dZ are [batch][nOut]. Weights W are [nOut][nIn], biases b are [nOut].
// - Every result is written into the arena; every method returns void (a returned double would be
//   boxed on a non-inlined call) and must not allocate, throw, or grow the memory.
// - Output regions never alias input regions unless a method says so.

export type Precision = "f64" | "f32";

/** Activation codes passed to the activation kernels (softmax has its own method). */
export const ACT_LINEAR = 0;
export const ACT_SIGMOID = 1;
export const ACT_TANH = 2;
export const ACT_RELU = 3;
export const ACT_LEAKY_RELU = 4;
/** Slope of leaky-relu for negative inputs. */
export const LEAKY_SLOPE = 0.01;

export interface Kernels {
  /** Z[s*nOut+j] = b[j] + Σ_i W[j*nIn+i]·X[s*nIn+i]   for s < batch */
  denseForward(w: number, b: number, x: number, z: number, nOut: number, nIn: number, batch: number): void;
  /** dW[j*nIn+i] = Σ_s dZ[s*nOut+j]·X[s*nIn+i];  dB[j] = Σ_s dZ[s*nOut+j]   (overwrite, not accumulate) */
  denseGrad(dz: number, x: number, dw: number, db: number, nOut: number, nIn: number, batch: number): void;
  /** dX[s*nIn+i] = Σ_j W[j*nIn+i]·dZ[s*nOut+j]   (overwrite) */
  denseBackInput(w: number, dz: number, dx: number, nOut: number, nIn: number, batch: number): void;
  /**
   * SGD over n elements (PyTorch convention):
   *   momentum == 0: p -= lr·g                      (v is neither read nor written)
   *   momentum > 0:  v = momentum·v + g;  p -= lr·(nesterov ? g + momentum·v : v)
   * nesterov is 0 or 1.
   */
  sgdStep(p: number, g: number, v: number, n: number, lr: number, momentum: number, nesterov: number): void;
  /**
   * Adam over n elements, bias corrections precomputed by the caller (bc1 = 1-β1^t, bc2 = 1-β2^t, t ≥ 1):
   *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= lr·(m/bc1) / (sqrt(v/bc2) + eps)
   */
  adamStep(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void;

  /** a[k] = f(z[k]) for k < n, f chosen by an ACT_* code. */
  activationForward(act: number, z: number, a: number, n: number): void;
  /** dz[k] = da[k]·f'(z[k]) for k < n, using z and/or a = f(z). dz may equal da (in place). */
  activationBackward(act: number, z: number, a: number, da: number, dz: number, n: number): void;
  /** Row-wise softmax: a[s*units+k] = exp(z[s*units+k] - max_s) / Σ_k exp(...), for s < batch. */
  softmaxForward(z: number, a: number, units: number, batch: number): void;
  /** arena[out] = Σ_{k<n} x[k]²  (out is one element; a non-finite x makes it non-finite). */
  sumSquares(x: number, n: number, out: number): void;
  /** x[k] *= alpha for k < n. */
  scale(x: number, n: number, alpha: number): void;

  // Optional forms of the three methods above that take their real-valued parameters from float64
  // slots of the arena instead of arguments. H is a Float64Array over the whole arena (whatever the
  // network's precision) and h an index into it (byte offset / 8). Why: V8 boxes (allocates) a
  // double passed to a JS function it does not inline, so a JS implementation should offer these;
  // when present the network calls them and its hot path passes only small integers. A WebAssembly
  // export takes f64 arguments from optimised JS without boxing and can omit them.
  /** sgdStep with lr = H[h], momentum = H[h+1], nesterov = H[h+2] (0 or 1). */
  sgdStepAt?(p: number, g: number, v: number, n: number, h: number): void;
  /** adamStep with lr, beta1, beta2, eps, bc1, bc2 = H[h], H[h+1], ..., H[h+5]. */
  adamStepAt?(p: number, g: number, m: number, v: number, n: number, h: number): void;
  /** scale with alpha = H[h]. */
  scaleAt?(x: number, n: number, h: number): void;
}

/**
 * Builds kernels bound to one network's arena. Returns null when this implementation cannot serve
 * the request (e.g. no WebAssembly SIMD on this host), so "auto" falls back to the TypeScript path.
 */
export interface KernelProvider {
  readonly name: string;
  create(memory: WebAssembly.Memory, precision: Precision): Kernels | null;
}
