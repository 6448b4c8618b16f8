// The runout probe's view (µm, positive = face toward the probe), sampled at 1000 Hz:
//   job.shapeAt(φ) (offset, face, misalignment before compensation, adapter wobble)
//   + noise 0.4 µm rms, more on a rusty face until the cut has passed the probe's track
//   + loose adapter: sub-revolution vibration (~11 Hz, ∝ wander)
//   + a little of the chatter while cutting.
// shapeAt is the truth; everything else here is what the controller must see through.

import { LatheState } from "../../src/protocol/index.ts";
import type { Rng } from "../random.ts";
import type { SampleContext } from "../world.ts";
import { chatterG } from "./cut-model.ts";

export const PROBE_NOISE_UM = 0.4;

/** The probe's reading apart from its noise-free shape: noise and vibration (µm). */
export function probeDisturbance(ctx: SampleContext, tS: number, rng: Rng): number {
  const job = ctx.job;
  let sigma = PROBE_NOISE_UM;
  let v = 0;
  if (job) {
    const c = job.causes;
    if (c.rust > 0 && job.surfaceIndexAt(ctx.phi) === 0) sigma = hyp(sigma, 0.8 * c.rust);
    if (c.looseWanderUm > 0 && ctx.omega > 0.01) v += 0.3 * c.looseWanderUm * Math.sin(2 * Math.PI * 11.3 * tS);
    if (ctx.state === LatheState.CUT) sigma = hyp(sigma, 0.5 * chatterG(c));
  }
  return v + sigma * rng.normal();
}

export function probeShape(ctx: SampleContext): number {
  return ctx.job ? ctx.job.shapeAt(ctx.phi) : 0;
}

/** sqrt(a² + b²) without Math.hypot's variadic overhead (hot path). */
function hyp(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}
