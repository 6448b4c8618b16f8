// Timing like bench/reference/mlp.c: a warm-up in doubling chunks (which also measures the rate),
// then `reps` timed repetitions of rate·repSeconds steps each; the figure is the median samples/s.
// Unlike mlp.c's fixed warm-up, this one also waits for the rate to settle (JIT warm-up).

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
  // Warm-up: chunks doubling in size until `warm` seconds have passed AND the rate of the last
  // chunk is within 20% of the one before (JIT-compiled libraries such as synaptic need thousands
  // of steps before they reach speed), but for at most 20·warm seconds.
  let chunk = 16;
  let rate = 0;
  let previous = 0;
  const t0 = performance.now();
  for (;;) {
    const a = performance.now();
    run(chunk);
    const b = performance.now();
    previous = rate;
    rate = chunk / Math.max((b - a) / 1000, 1e-9);
    const elapsed = (b - t0) / 1000;
    if (elapsed >= 20 * t.warm || (elapsed >= t.warm && Math.abs(rate - previous) <= 0.2 * previous)) break;
    if (chunk < 1 << 20 && (b - a) / 1000 < t.repSeconds) chunk *= 2;
  }
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

export interface PassTiming {
  /** Timed passes (warm-up excluded). */
  passes: number;
  wallSeconds: number;
  /** User + system CPU seconds of this process over the timed passes. */
  cpuSeconds: number;
}

/** Runs pass() `warmups` times untimed, then until at least minMs of wall-clock time have passed. */
export function timePasses(pass: () => void, warmups: number, minMs: number): PassTiming {
  for (let i = 0; i < warmups; i++) pass();
  let passes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ms = 0;
  while (ms < minMs) {
    pass();
    passes++;
    ms = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  return { passes, wallSeconds: ms / 1e3, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
