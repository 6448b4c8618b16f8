// Time-synchronous average (TSA) over the revolutions of a phase: the mean of their angle grids.
//
// Grids are in angle from the INDEX mark, so everything locked to the hub's rotation (runout and
// thickness orders in the cutting force, imbalance) adds up coherently, while vibration that is not
// synchronous (noise, chatter, a resonance, a wobble at a non-integer order) averages towards zero
// as 1/√revolutions. Orders of the average come from the same AngleGrid that filled the grids.
//
// Usage per phase: reset(); add(grid) for each revolution (a grid of all NaN, i.e. an unusable
// revolution, is skipped); then finish() and read `phasors` / `amplitudes`. Allocation-free after
// construction.

import type { AngleGrid } from "./angle-grid.ts";

export class SyncAverage {
  /** Revolutions averaged since reset(). */
  revolutions = 0;
  /** Mean grid after finish() (NaN when no revolution was added). */
  readonly mean: Float64Array;
  /** After finish(): [mean, a1, b1, …, aN, bN] of the average, as AngleGrid.phasors. */
  readonly phasors: Float64Array;
  /** After finish(): amplitude of orders 1..N of the average (index k − 1). */
  readonly amplitudes: Float64Array;
  private readonly sum: Float64Array;

  constructor(readonly grid: AngleGrid) {
    this.sum = new Float64Array(grid.bins);
    this.mean = new Float64Array(grid.bins);
    this.phasors = new Float64Array(2 * grid.orders + 1);
    this.amplitudes = new Float64Array(grid.orders);
  }

  reset(): void {
    this.sum.fill(0);
    this.revolutions = 0;
  }

  /** Adds one revolution's filled grid (length ≥ bins). Returns false (and adds nothing) for NaN. */
  add(grid: Float64Array): boolean {
    const G = this.grid.bins;
    if (grid[0] !== grid[0]) return false;
    for (let g = 0; g < G; g++) this.sum[g] += grid[g];
    this.revolutions++;
    return true;
  }

  /** Averages and computes the orders. Returns false when no revolution was added (results NaN). */
  finish(): boolean {
    const G = this.grid.bins;
    if (this.revolutions === 0) {
      this.mean.fill(Number.NaN);
      this.phasors.fill(Number.NaN);
      this.amplitudes.fill(Number.NaN);
      return false;
    }
    const inv = 1 / this.revolutions;
    for (let g = 0; g < G; g++) this.mean[g] = this.sum[g] * inv;
    this.grid.phasors(this.mean, this.phasors);
    this.grid.amplitudes(this.phasors, this.amplitudes, 0);
    return true;
  }
}
