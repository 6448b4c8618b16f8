// The seeded uniform generator of the test data builders (dsp revolutions, learner jobs, board
// streams): mulberry32, the same sequence as src/core/rng.ts's Rng.next(), as a plain function.

/** Uniform numbers in [0, 1), deterministic from seed (reduced to 32 bits). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
