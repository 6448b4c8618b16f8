// Synthetic probe revolutions: a known face shape (sum of rotation orders) sampled at 1000 Hz from
// an arbitrary phase, with Gaussian noise, quantised to the RUN board's 0.1 µm LSB.

import { mulberry32 } from "../../support/mulberry32.ts";

export { mulberry32 };

export function gaussian(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

export interface Shape {
  /** amplitude µm and phase rad of orders 1..amps.length */
  amps: number[];
  phases: number[];
}

export function shapeAt(s: Shape, theta: number): number {
  let v = 0;
  for (let k = 0; k < s.amps.length; k++) v += s.amps[k] * Math.cos((k + 1) * theta + s.phases[k]);
  return v;
}

/** True peak-to-peak of the noise-free shape (dense evaluation: 0.01° steps, error < 1e-4 µm). */
export function truePeakToPeak(s: Shape): number {
  let max = -Infinity;
  let min = Infinity;
  const n = 36_000;
  for (let i = 0; i < n; i++) {
    const v = shapeAt(s, (2 * Math.PI * i) / n);
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return max - min;
}

export function randomShape(rnd: () => number, orders = 4): Shape {
  const amps: number[] = [];
  const phases: number[] = [];
  for (let k = 1; k <= orders; k++) {
    amps.push((k === 1 ? 5 + 40 * rnd() : (12 * rnd()) / k) * (rnd() < 0.1 ? 0 : 1));
    phases.push(2 * Math.PI * rnd());
  }
  return { amps, phases };
}

export interface Revolution {
  startUs: number;
  periodUs: number;
  times: Float64Array;
  raw: Int16Array;
  flags: Uint8Array;
  /** max − min of the noisy samples, µm */
  rawPeakToPeak: number;
}

/** One revolution at `rpm`, 1000 Hz samples, noise σ µm, LSB 0.1 µm; times start at startUs. */
export function sampleRevolution(s: Shape, rpm: number, noiseUm: number, rnd: () => number, startUs = 1e10): Revolution {
  const periodUs = 60e6 / rpm;
  const first = rnd() * 1000;
  const n = Math.floor((periodUs - first) / 1000) + 1;
  const times = new Float64Array(n);
  const raw = new Int16Array(n);
  const flags = new Uint8Array(n);
  const g = gaussian(rnd);
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const dt = first + i * 1000;
    times[i] = startUs + dt;
    const um = shapeAt(s, (2 * Math.PI * dt) / periodUs) + noiseUm * g();
    raw[i] = Math.round(um / 0.1);
    max = Math.max(max, raw[i] * 0.1);
    min = Math.min(min, raw[i] * 0.1);
  }
  return { startUs, periodUs, times, raw, flags, rawPeakToPeak: max - min };
}
