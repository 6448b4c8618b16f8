// The plain TypeScript kernels: the reference every faster implementation is tested against.
// Straight loops over one typed view of the whole arena; sums are accumulated in doubles and
// rounded once when stored (matters for f32 arenas).
import {
  ACT_LEAKY_RELU,
  ACT_LINEAR,
  ACT_RELU,
  ACT_SIGMOID,
  ACT_TANH,
  LEAKY_SLOPE,
  type Kernels,
  type KernelProvider,
  type Precision,
} from "./types.ts";

export class TsKernels implements Kernels {
  private readonly m: Float64Array | Float32Array;
  /** The arena as float64 slots, for the *At methods. */
  private readonly h: Float64Array;
  /** Where the argument forms park their real parameters, so both forms share one loop. */
  private readonly args = new Float64Array(8);

  constructor(memory: WebAssembly.Memory, precision: Precision) {
    this.m = precision === "f64" ? new Float64Array(memory.buffer) : new Float32Array(memory.buffer);
    this.h = new Float64Array(memory.buffer);
  }

  denseForward(w: number, b: number, x: number, z: number, nOut: number, nIn: number, batch: number): void {
    const m = this.m;
    for (let s = 0; s < batch; s++) {
      const xs = x + s * nIn;
      const zs = z + s * nOut;
      for (let j = 0; j < nOut; j++) {
        const row = w + j * nIn;
        let acc = m[b + j];
        for (let i = 0; i < nIn; i++) acc += m[row + i] * m[xs + i];
        m[zs + j] = acc;
      }
    }
  }

  denseGrad(dz: number, x: number, dw: number, db: number, nOut: number, nIn: number, batch: number): void {
    const m = this.m;
    for (let j = 0; j < nOut; j++) {
      const row = dw + j * nIn;
      let d = m[dz + j];
      for (let i = 0; i < nIn; i++) m[row + i] = d * m[x + i];
      let bias = d;
      for (let s = 1; s < batch; s++) {
        d = m[dz + s * nOut + j];
        const xs = x + s * nIn;
        for (let i = 0; i < nIn; i++) m[row + i] += d * m[xs + i];
        bias += d;
      }
      m[db + j] = bias;
    }
  }

  denseBackInput(w: number, dz: number, dx: number, nOut: number, nIn: number, batch: number): void {
    const m = this.m;
    for (let s = 0; s < batch; s++) {
      const dxs = dx + s * nIn;
      const dzs = dz + s * nOut;
      m.fill(0, dxs, dxs + nIn);
      for (let j = 0; j < nOut; j++) {
        const d = m[dzs + j];
        const row = w + j * nIn;
        for (let i = 0; i < nIn; i++) m[dxs + i] += m[row + i] * d;
      }
    }
  }

  sgdStep(p: number, g: number, v: number, n: number, lr: number, momentum: number, nesterov: number): void {
    const t = this.args;
    t[0] = lr;
    t[1] = momentum;
    t[2] = nesterov;
    this.sgd(p, g, v, n, t, 0);
  }

  sgdStepAt(p: number, g: number, v: number, n: number, h: number): void {
    this.sgd(p, g, v, n, this.h, h);
  }

  adamStep(p: number, g: number, mo: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void {
    const t = this.args;
    t[0] = lr;
    t[1] = beta1;
    t[2] = beta2;
    t[3] = eps;
    t[4] = bc1;
    t[5] = bc2;
    this.adam(p, g, mo, v, n, t, 0);
  }

  adamStepAt(p: number, g: number, mo: number, v: number, n: number, h: number): void {
    this.adam(p, g, mo, v, n, this.h, h);
  }

  private sgd(p: number, g: number, v: number, n: number, hp: Float64Array, h: number): void {
    const m = this.m;
    const lr = hp[h];
    const momentum = hp[h + 1];
    if (momentum === 0) {
      for (let k = 0; k < n; k++) m[p + k] -= lr * m[g + k];
    } else if (hp[h + 2] !== 0) {
      for (let k = 0; k < n; k++) {
        const gk = m[g + k];
        const vk = momentum * m[v + k] + gk;
        m[v + k] = vk;
        m[p + k] -= lr * (gk + momentum * vk);
      }
    } else {
      for (let k = 0; k < n; k++) {
        const vk = momentum * m[v + k] + m[g + k];
        m[v + k] = vk;
        m[p + k] -= lr * vk;
      }
    }
  }

  private adam(p: number, g: number, mo: number, v: number, n: number, hp: Float64Array, h: number): void {
    const m = this.m;
    const lr = hp[h];
    const beta1 = hp[h + 1];
    const beta2 = hp[h + 2];
    const eps = hp[h + 3];
    const bc1 = hp[h + 4];
    const bc2 = hp[h + 5];
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    for (let k = 0; k < n; k++) {
      const gk = m[g + k];
      const mk = beta1 * m[mo + k] + c1 * gk;
      const vk = beta2 * m[v + k] + c2 * gk * gk;
      m[mo + k] = mk;
      m[v + k] = vk;
      m[p + k] -= (lr * (mk / bc1)) / (Math.sqrt(vk / bc2) + eps);
    }
  }

  activationForward(act: number, z: number, a: number, n: number): void {
    const m = this.m;
    switch (act) {
      case ACT_SIGMOID:
        for (let k = 0; k < n; k++) m[a + k] = 1 / (1 + Math.exp(-m[z + k]));
        break;
      case ACT_TANH:
        for (let k = 0; k < n; k++) m[a + k] = Math.tanh(m[z + k]);
        break;
      case ACT_RELU:
        for (let k = 0; k < n; k++) {
          const v = m[z + k];
          m[a + k] = v > 0 ? v : 0;
        }
        break;
      case ACT_LEAKY_RELU:
        for (let k = 0; k < n; k++) {
          const v = m[z + k];
          m[a + k] = v > 0 ? v : LEAKY_SLOPE * v;
        }
        break;
      case ACT_LINEAR:
      default:
        m.copyWithin(a, z, z + n);
    }
  }

  activationBackward(act: number, z: number, a: number, da: number, dz: number, n: number): void {
    const m = this.m;
    switch (act) {
      case ACT_SIGMOID:
        for (let k = 0; k < n; k++) {
          const y = m[a + k];
          m[dz + k] = m[da + k] * y * (1 - y);
        }
        break;
      case ACT_TANH:
        for (let k = 0; k < n; k++) {
          const y = m[a + k];
          m[dz + k] = m[da + k] * (1 - y * y);
        }
        break;
      case ACT_RELU:
        for (let k = 0; k < n; k++) m[dz + k] = m[z + k] > 0 ? m[da + k] : 0;
        break;
      case ACT_LEAKY_RELU:
        for (let k = 0; k < n; k++) m[dz + k] = m[z + k] > 0 ? m[da + k] : LEAKY_SLOPE * m[da + k];
        break;
      case ACT_LINEAR:
      default:
        if (dz !== da) m.copyWithin(dz, da, da + n);
    }
  }

  softmaxForward(z: number, a: number, units: number, batch: number): void {
    const m = this.m;
    for (let s = 0; s < batch; s++) {
      const zs = z + s * units;
      const as = a + s * units;
      let max = m[zs];
      for (let k = 1; k < units; k++) if (m[zs + k] > max) max = m[zs + k];
      let sum = 0;
      for (let k = 0; k < units; k++) {
        const e = Math.exp(m[zs + k] - max);
        m[as + k] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let k = 0; k < units; k++) m[as + k] *= inv;
    }
  }

  sumSquares(x: number, n: number, out: number): void {
    const m = this.m;
    let acc = 0;
    for (let k = 0; k < n; k++) {
      const v = m[x + k];
      acc += v * v;
    }
    m[out] = acc;
  }

  scale(x: number, n: number, alpha: number): void {
    const m = this.m;
    for (let k = 0; k < n; k++) m[x + k] *= alpha;
  }

  scaleAt(x: number, n: number, h: number): void {
    const m = this.m;
    const alpha = this.h[h];
    for (let k = 0; k < n; k++) m[x + k] *= alpha;
  }
}

export const tsKernelProvider: KernelProvider = {
  name: "ts",
  create: (memory, precision) => new TsKernels(memory, precision),
};
