// Batch normalisation of one layer's pre-activations (Ioffe & Szegedy 2015), over the arena.
// Per unit j over the batch s: μ_j = mean z, σ²_j = biased variance, ẑ = (z − μ)·invstd with
// invstd = 1/√(σ² + EPS), zn = γ·ẑ + β. At inference the running averages replace μ and σ².
// Offsets are element offsets into the arena view m; z, zn, xhat, dz are [batch][units]
// sample-major; γ, β, mean, invstd, running stats are [units]. Plain loops (no kernel call takes a
// double), no allocation; sums accumulate in doubles.
import type { LayerLayout } from "./layout.ts";

export type Real = Float64Array | Float32Array;

/** Added to the variance before the square root. */
export const BN_EPS = 1e-5;
/** Weight of the newest batch in the running averages. */
export const BN_MOMENTUM = 0.1;

/** Training forward: batch statistics into mean/invstd, ẑ into xhat, γẑ+β into zn. */
export function bnForwardTrain(m: Real, L: LayerLayout, batch: number): void {
  const units = L.nOut;
  for (let j = 0; j < units; j++) {
    let sum = 0;
    for (let s = 0; s < batch; s++) sum += m[L.z + s * units + j];
    const mu = sum / batch;
    let sq = 0;
    for (let s = 0; s < batch; s++) {
      const d = m[L.z + s * units + j] - mu;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / batch + BN_EPS);
    m[L.mean + j] = mu;
    m[L.invstd + j] = inv;
    const g = m[L.gamma + j];
    const b = m[L.beta + j];
    for (let s = 0; s < batch; s++) {
      const k = s * units + j;
      // ẑ is recomputed from the stored (possibly f32-rounded) mean and invstd: what backward sees.
      const xh = (m[L.z + k] - m[L.mean + j]) * m[L.invstd + j];
      m[L.xhat + k] = xh;
      m[L.zn + k] = g * xh + b;
    }
  }
}

/** Inference forward: zn = γ·(z − running mean)/√(running variance + EPS) + β. */
export function bnForwardInfer(m: Real, L: LayerLayout, batch: number): void {
  const units = L.nOut;
  for (let j = 0; j < units; j++) {
    const scale = m[L.gamma + j] / Math.sqrt(m[L.runVar + j] + BN_EPS);
    const mu = m[L.runMean + j];
    const b = m[L.beta + j];
    for (let s = 0; s < batch; s++) {
      const k = s * units + j;
      m[L.zn + k] = (m[L.z + k] - mu) * scale + b;
    }
  }
}

/**
 * Training backward. On entry dz holds dL/dzn; on exit dL/dz. With dx̂ = γ·dzn:
 *   dγ = Σ_s dzn·ẑ,  dβ = Σ_s dzn,  dz = invstd/B · (B·dx̂ − Σ_s dx̂ − ẑ·Σ_s dx̂·ẑ).
 * With grads false, dγ and dβ are not written.
 */
export function bnBackwardTrain(m: Real, L: LayerLayout, batch: number, grads: boolean): void {
  const units = L.nOut;
  for (let j = 0; j < units; j++) {
    let sumDy = 0;
    let sumDyX = 0;
    for (let s = 0; s < batch; s++) {
      const k = s * units + j;
      const dy = m[L.dz + k];
      sumDy += dy;
      sumDyX += dy * m[L.xhat + k];
    }
    const g = m[L.gamma + j];
    if (grads) {
      m[L.dgamma + j] = sumDyX;
      m[L.dbeta + j] = sumDy;
    }
    const c = (g * m[L.invstd + j]) / batch;
    for (let s = 0; s < batch; s++) {
      const k = s * units + j;
      m[L.dz + k] = c * (batch * m[L.dz + k] - sumDy - m[L.xhat + k] * sumDyX);
    }
  }
}

/** Inference backward (an affine map per unit): dz = dzn · γ/√(running variance + EPS). */
export function bnBackwardInfer(m: Real, L: LayerLayout, batch: number): void {
  const units = L.nOut;
  for (let j = 0; j < units; j++) {
    const scale = m[L.gamma + j] / Math.sqrt(m[L.runVar + j] + BN_EPS);
    for (let s = 0; s < batch; s++) m[L.dz + s * units + j] *= scale;
  }
}

/** Folds the last training batch's statistics into the running averages (unbiased variance). */
export function bnUpdateRunning(m: Real, L: LayerLayout, batch: number): void {
  const units = L.nOut;
  const unbias = batch > 1 ? batch / (batch - 1) : 1;
  for (let j = 0; j < units; j++) {
    const inv = m[L.invstd + j];
    const variance = (1 / (inv * inv) - BN_EPS) * unbias;
    m[L.runMean + j] = (1 - BN_MOMENTUM) * m[L.runMean + j] + BN_MOMENTUM * m[L.mean + j];
    m[L.runVar + j] = (1 - BN_MOMENTUM) * m[L.runVar + j] + BN_MOMENTUM * (variance > 0 ? variance : 0);
  }
}
