// Synthetic VIB revolutions: three axes sampled at a board rate from a signal given as a function of
// (time since the revolution's start in s, hub angle in rad, axis), quantised to the VIB LSB, with
// saturation where the raw value hits the i16 limits (as the board and the decoder's ring mark it).
import { gaussian, mulberry32 } from "./revolutions.ts";

export const LSB_G = 0.0039;
export { gaussian, mulberry32 };

export interface VibRevolution {
  startUs: number;
  periodUs: number;
  times: Float64Array;
  channels: Int16Array[];
  saturation: Uint8Array;
}

/** Signal in g at (tS since startUs, θ rad, axis 0..2). */
export type Signal = (tS: number, theta: number, axis: number) => number;

/**
 * One revolution of `periodUs` sampled at rateHz, first sample `phaseUs` after the mark; θ at a
 * sample is 2π·dt/period unless `thetaAt(dt)` is given (e.g. rpm changing within the revolution).
 */
export function vibRevolution(
  signal: Signal,
  periodUs: number,
  opts: { rateHz?: number; startUs?: number; phaseUs?: number; thetaAt?: (dtUs: number) => number } = {},
): VibRevolution {
  const rate = opts.rateHz ?? 3200;
  const startUs = opts.startUs ?? 1e10;
  const step = 1e6 / rate;
  const phase = opts.phaseUs ?? 0.37 * step;
  const n = Math.floor((periodUs - phase) / step - 1e-9) + 1;
  const times = new Float64Array(n);
  const channels = [new Int16Array(n), new Int16Array(n), new Int16Array(n)];
  const saturation = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const dt = phase + i * step;
    times[i] = startUs + dt;
    const theta = opts.thetaAt ? opts.thetaAt(dt) : (2 * Math.PI * dt) / periodUs;
    for (let a = 0; a < 3; a++) {
      const raw = Math.max(-32768, Math.min(32767, Math.round(signal(dt / 1e6, theta, a) / LSB_G)));
      channels[a][i] = raw;
      if (raw === 32767 || raw === -32768) saturation[i] |= 1 << a;
    }
  }
  return { startUs, periodUs, times, channels, saturation };
}

/** Consecutive revolutions of a continuous signal sig(t since the first mark, θ, axis) at per-rev periods. */
export function vibRevolutions(signal: (tS: number, theta: number, axis: number) => number, periodsUs: number[], rateHz = 3200, startUs = 1e10): VibRevolution[] {
  const out: VibRevolution[] = [];
  let mark = startUs;
  const step = 1e6 / rateHz;
  for (const p of periodsUs) {
    // Samples stay on one continuous grid of board time (k·step after startUs + 0.37 step).
    const first = startUs + 0.37 * step + Math.ceil((mark - startUs - 0.37 * step) / step) * step;
    const t0 = (mark - startUs) / 1e6;
    out.push(vibRevolution((tS, th, a) => signal(t0 + tS, th, a), p, { rateHz, startUs: mark, phaseUs: first - mark }));
    mark += p;
  }
  return out;
}
