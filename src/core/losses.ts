// Output losses, each averaged over the batch, and their derivative at the output layer.
//   half-sse    ½ Σ_k (y−t)²                      dL/dy = (y−t)/B
//   mse         (1/K) Σ_k (y−t)²                  dL/dy = 2(y−t)/(K·B)
//   bce         (1/K) Σ_k −[t ln y + (1−t) ln(1−y)], y = sigmoid(z); computed from z so it never
//               takes log(0):  max(z,0) − z·t + ln(1+e^−|z|)           dL/dz = (y−t)/(K·B)
//   softmax-ce  −Σ_k t_k ln softmax(z)_k, computed as −Σ t_k (z_k − logsumexp z)   dL/dz = (y−t)/B
// bce and softmax-ce give the delta of the pre-activations directly (the activation's derivative
// cancels); the squared losses give dL/dy and the network applies the activation's derivative.
import type { LossKind } from "./spec.ts";

export const LOSS_HALF_SSE = 0;
export const LOSS_MSE = 1;
export const LOSS_BCE = 2;
export const LOSS_SOFTMAX_CE = 3;

export function lossCode(kind: LossKind): number {
  return kind === "half-sse" ? LOSS_HALF_SSE : kind === "mse" ? LOSS_MSE : kind === "bce" ? LOSS_BCE : LOSS_SOFTMAX_CE;
}

/** True when outputLoss writes dL/dz (the activation derivative is already folded in). */
export function deltaIsPreActivation(code: number): boolean {
  return code === LOSS_BCE || code === LOSS_SOFTMAX_CE;
}

/**
 * Writes the batch-averaged loss into out[slot] and, when d >= 0, the output delta into m[d ..]
 * ([batch][nOut]). z, a, t, d are element offsets into the arena view m.
 */
export function outputLoss(
  code: number,
  m: Float64Array | Float32Array,
  z: number,
  a: number,
  t: number,
  d: number,
  nOut: number,
  batch: number,
  out: Float64Array,
  slot: number,
): void {
  const n = nOut * batch;
  let sum = 0;
  if (code === LOSS_HALF_SSE || code === LOSS_MSE) {
    const scale = code === LOSS_HALF_SSE ? 1 / batch : 2 / (nOut * batch);
    for (let k = 0; k < n; k++) {
      const e = m[a + k] - m[t + k];
      sum += e * e;
      if (d >= 0) m[d + k] = scale * e;
    }
    sum *= code === LOSS_HALF_SSE ? 0.5 / batch : 1 / (nOut * batch);
  } else if (code === LOSS_BCE) {
    const scale = 1 / (nOut * batch);
    for (let k = 0; k < n; k++) {
      const zk = m[z + k];
      const tk = m[t + k];
      sum += (zk > 0 ? zk : 0) - zk * tk + Math.log1p(Math.exp(-Math.abs(zk)));
      if (d >= 0) m[d + k] = scale * (m[a + k] - tk);
    }
    sum *= scale;
  } else {
    const scale = 1 / batch;
    for (let s = 0; s < batch; s++) {
      const zs = z + s * nOut;
      let max = m[zs];
      for (let k = 1; k < nOut; k++) if (m[zs + k] > max) max = m[zs + k];
      let e = 0;
      for (let k = 0; k < nOut; k++) e += Math.exp(m[zs + k] - max);
      const lse = max + Math.log(e);
      const ts = t + s * nOut;
      for (let k = 0; k < nOut; k++) {
        const tk = m[ts + k];
        if (tk !== 0) sum -= tk * (m[zs + k] - lse);
        if (d >= 0) m[d + s * nOut + k] = scale * (m[a + s * nOut + k] - tk);
      }
    }
    sum *= scale;
  }
  out[slot] = sum;
}
