// Timing in the same way as bench/reference/mlp.c: a warm-up of `warm` seconds in doubling chunks
// (which also measures the rate), then `reps` timed repetitions of rate·repSeconds steps each.
// The figure reported is the median samples/s.

export interface Timing {
  warm: number;
  repSeconds: number;
  reps: number;
}

export const DEFAULT_TIMING: Timing = { warm: 0.5, repSeconds: 0.3, reps: 5 };

export interface Measured {
  samplesPerSec: number[];
  median: number;
}

/** `run(n)` performs n consecutive training steps (one sample each). */
export function measure(run: (n: number) => void, t: Timing): Measured {
  let chunk = 16;
  let done = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < t.warm * 1000) {
    run(chunk);
    done += chunk;
    if (chunk < 1 << 20) chunk *= 2;
    t1 = performance.now();
  }
  const rate = done / ((t1 - t0) / 1000);
  const n = Math.max(1, Math.round(rate * t.repSeconds));
  const samplesPerSec: number[] = [];
  for (let r = 0; r < t.reps; r++) {
    const a = performance.now();
    run(n);
    samplesPerSec.push(n / ((performance.now() - a) / 1000));
  }
  const sorted = [...samplesPerSec].sort((x, y) => x - y);
  return { samplesPerSec, median: sorted[sorted.length >> 1]! };
}
