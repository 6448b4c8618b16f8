// The per-revolution phasor block: complex (cos, sin) coefficients of rotation orders 1..N of the
// runout probe's fit and of each accelerometer axis, angle-referenced to the INDEX mark, so that
// revolutions can be averaged coherently (sync-average style) and the axes compared in phase with
// the probe (order-coherence.ts). Layout (N = PHASOR_ORDERS = 4):
//   run_c1, run_s1, …, run_cN, run_sN      probe fit (µm): y(θ) ≈ a0 + Σ c_k cos kθ + s_k sin kθ
//   x_c1, x_s1, …, then y_…, then z_…      accelerometer axes x radial, y tangential, z axial (g)
// Same convention as RunoutFit.coefficients and AngleGrid.phasors (θ = 2π (t − start) / period).
// A slot is NaN when its revolution's fit or grid was unusable.
import { AXES } from "./vib-layout.ts";

/** Rotation orders carried per revolution (a disc's runout and thickness live in the first few). */
export const PHASOR_ORDERS = 4;
/** Offsets of the blocks: the probe, then one block per axis (AXES order). */
export const PhasorBlock = { RUN: 0, AXIS: 2 * PHASOR_ORDERS } as const;

export function phasorNames(orders = PHASOR_ORDERS): string[] {
  const names: string[] = [];
  for (const src of ["run", ...AXES]) for (let k = 1; k <= orders; k++) names.push(`${src}_c${k}`, `${src}_s${k}`);
  return names;
}

export const PHASOR_NAMES: readonly string[] = Object.freeze(phasorNames());

/**
 * Copies orders 1..N of a [a0, a1, b1, a2, b2, …] coefficient array (RunoutFit.coefficients,
 * VibFeatures.phasors[axis]) into out[offset …offset + 2N).
 */
export function copyOrders(coefficients: Float64Array, out: Float64Array, offset: number, orders = PHASOR_ORDERS): void {
  for (let i = 0; i < 2 * orders; i++) out[offset + i] = coefficients[1 + i];
}
