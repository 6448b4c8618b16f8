// The hidden causes of one job: the disc as it came in, the car's mount, the lathe's state. Drawn
// from a Population (what kind of cars come into the shop) with a per-job seeded Rng. Everything
// here is written to truth.jsonl; none of it is sent by the boards.

import type { Rng } from "../random.ts";
import { Harmonics, randomProfile } from "./harmonics.ts";

type Range = readonly [number, number];

/** What cars a scenario brings in. Ranges are drawn uniformly; *Um ranges log-uniformly. */
export interface Population {
  /** Face runout at the probe radius, peak-to-peak µm (before the lathe; first order dominant). */
  lroUm: Range;
  /** Thickness variation, peak-to-peak µm. */
  dtvUm: Range;
  /** Probability of a rusty face, and its level (0..1). */
  rustP: number;
  rust: Range;
  /** Probability of hard spots, and their severity (0..1). */
  hardSpotP: number;
  hardSpotSeverity: Range;
  /** Car-to-car mount stiffness, relative (1 = typical; lower = more compliant). */
  mountStiffness: Range;
  /** Probability that the lathe adapter is loose, and its wander (µm rms of the 1st-order wobble). */
  looseAdapterP: number;
  looseWanderUm: Range;
  /** The lathe's own misalignment seen before compensation, 1st order, peak-to-peak µm. */
  misalignmentUm: Range;
  rpm: Range;
}

export interface HardSpot {
  /** Angle of the spot from the index mark, rad. */
  angle: number;
  /** 0..1: impulse size in the cut, bump left in the cut face. */
  severity: number;
}

export interface JobCauses {
  /** Spindle speed set point, integer rpm. */
  rpmSetPoint: number;
  /** Relative rms speed wobble about the set point (e.g. 0.004). */
  rpmJitter: number;
  /** Incoming face runout at the probe radius (µm), relative to the hub axis. */
  runout: Harmonics;
  /** Incoming thickness deviation from nominal (µm); DTV = its peak-to-peak. */
  thickness: Harmonics;
  rust: number;
  hardSpots: HardSpot[];
  mountStiffness: number;
  /** Lathe misalignment (1st order) the probe sees until compensation: amplitude µm, phase rad. */
  misalignmentUm: number;
  misalignmentPhase: number;
  /** Loose adapter wobble wander, µm rms per component of the 1st-order vector; 0 = tight. */
  looseWanderUm: number;
  /** Cuts made on the current tool tips before this job (a tip corner lasts ~7 cuts). */
  tipCuts: number;
  /** Probe standoff offset (µm, DC) for this car. */
  probeOffsetUm: number;
  /** Depth of cut per face, µm. */
  cutDepthUm: number;
  /** Radial tool travel across the face in the cut, mm. */
  bandWidthMm: number;
  /** Direction of gravity in the accelerometer frame (unit vector). */
  gravity: [number, number, number];
  /** Chatter (tool/head mode) frequency Hz and structural mode Hz of this mount. */
  chatterHz: number;
  structureHz: number;
}

export function logUniform(rng: Rng, [lo, hi]: Range): number {
  return Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
}

export function drawCauses(rng: Rng, pop: Population, tipCuts: number): JobCauses {
  const lro = logUniform(rng, pop.lroUm);
  // 1st order dominant (hub/face wobble); 2nd–4th a little waviness.
  const runout = randomProfile(rng, lro, [1, rng.uniform(0.05, 0.25), rng.uniform(0.02, 0.12), rng.uniform(0, 0.06)]);
  // Thickness variation: mostly 1st and 2nd orders (uneven wear, pad deposits), some 3rd/4th.
  const dtv = logUniform(rng, pop.dtvUm);
  const thickness = randomProfile(rng, dtv, [1, rng.uniform(0.3, 1.0), rng.uniform(0.1, 0.4), rng.uniform(0, 0.2)]);
  const hardSpots: HardSpot[] = [];
  if (rng.chance(pop.hardSpotP)) {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) hardSpots.push({ angle: rng.angle(), severity: rng.uniform(...pop.hardSpotSeverity) });
  }
  const tilt = rng.uniform(-0.5, 0.5);
  const roll = rng.uniform(-0.3, 0.3);
  return {
    rpmSetPoint: Math.round(rng.uniform(...pop.rpm)),
    rpmJitter: rng.uniform(0.002, 0.008),
    runout,
    thickness,
    rust: rng.chance(pop.rustP) ? rng.uniform(...pop.rust) : 0,
    hardSpots,
    mountStiffness: rng.uniform(...pop.mountStiffness),
    misalignmentUm: logUniform(rng, pop.misalignmentUm) / 2,
    misalignmentPhase: rng.angle(),
    looseWanderUm: rng.chance(pop.looseAdapterP) ? rng.uniform(...pop.looseWanderUm) : 0,
    tipCuts,
    probeOffsetUm: rng.uniform(-400, 400),
    cutDepthUm: rng.uniform(100, 250),
    bandWidthMm: rng.uniform(35, 60),
    gravity: [Math.cos(tilt) * Math.cos(roll), Math.sin(tilt) * Math.cos(roll), Math.sin(roll)],
    chatterHz: rng.uniform(500, 1500),
    structureHz: rng.uniform(180, 420),
  };
}
