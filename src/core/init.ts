// Seeded weight initialisation. Xavier/Glorot uniform (±√(6/(fanIn+fanOut))) for sigmoid, tanh,
// linear and softmax layers; He uniform (±√(6/fanIn)) for relu and leaky-relu. Biases start at 0;
// batch norm: γ 1, β 0, running mean 0, running variance 1.
// Uniform rather than normal variants: same variance, no Box-Muller, exactly reproducible.
import type { Layout } from "./layout.ts";
import { Rng } from "./rng.ts";
import type { ResolvedSpec } from "./spec.ts";

export function initParams(spec: ResolvedSpec, layout: Layout, arena: Float64Array | Float32Array): void {
  const rng = new Rng(spec.seed);
  spec.layers.forEach((l, i) => {
    const { nIn, nOut, w, b } = layout.layers[i];
    const he = l.activation === "relu" || l.activation === "leaky-relu";
    const limit = he ? Math.sqrt(6 / nIn) : Math.sqrt(6 / (nIn + nOut));
    for (let k = 0; k < nOut * nIn; k++) arena[w + k] = rng.uniform(limit);
    arena.fill(0, b, b + nOut);
    const L = layout.layers[i];
    if (L.gamma >= 0) {
      arena.fill(1, L.gamma, L.gamma + nOut);
      arena.fill(0, L.beta, L.beta + nOut);
      arena.fill(0, L.runMean, L.runMean + nOut);
      arena.fill(1, L.runVar, L.runVar + nOut);
    }
  });
}
