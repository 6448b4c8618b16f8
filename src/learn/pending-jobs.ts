// Jobs whose estimates were decided and whose labels may still come: a fixed ring of the last
// `capacity` jobs with a copy of their inputs, found by ordinal or by record id. The plugins decide
// at the end of the cut (record()), learn when a label arrives (find()), so a prediction is always
// made before its label is seen. Allocation-free apart from the id strings the records bring.
import { INPUT_INDEX, INPUT_NAMES } from "./job-inputs.ts";

export class PendingJobs {
  private readonly ordinals: Float64Array;
  private readonly ids: (string | null)[];
  private readonly x: Float64Array;
  private next = 0;
  private readonly view: Float64Array[];

  constructor(readonly capacity = 256) {
    this.ordinals = new Float64Array(capacity).fill(-1);
    this.ids = new Array<string | null>(capacity).fill(null);
    this.x = new Float64Array(capacity * INPUT_NAMES.length);
    this.view = Array.from({ length: capacity }, (_, k) => this.x.subarray(k * INPUT_NAMES.length, (k + 1) * INPUT_NAMES.length));
  }

  /** Keeps a copy of a job's inputs (a re-cut's later decision replaces the earlier one). */
  record(ordinal: number, inputs: ArrayLike<number>): void {
    let k = this.slotOf(ordinal);
    if (k < 0) {
      k = this.next;
      this.next = (this.next + 1) % this.capacity;
      this.ordinals[k] = ordinal;
      this.ids[k] = null;
    }
    const v = this.view[k];
    for (let i = 0; i < v.length; i++) v[i] = inputs[i];
  }

  /** Links a job's record id to its ordinal (live labels name the id). */
  link(ordinal: number, id: string): void {
    const k = this.slotOf(ordinal);
    if (k >= 0) this.ids[k] = id;
  }

  /** The kept inputs of a job, by ordinal or id; null when unknown or already overwritten. */
  find(ordinal: number | null, id: string | null = null): Float64Array | null {
    for (let k = 0; k < this.capacity; k++) {
      if ((ordinal !== null && this.ordinals[k] === ordinal) || (id !== null && this.ids[k] === id)) return this.view[k];
    }
    return null;
  }

  private slotOf(ordinal: number): number {
    for (let k = 0; k < this.capacity; k++) if (this.ordinals[k] === ordinal) return k;
    return -1;
  }
}

/** LRO before the cut (µm) as the inputs hold it; null when unknown. */
export function lroPreOf(x: ArrayLike<number>): number | null {
  const v = x[INPUT_INDEX.m_lro_med];
  return v === v ? v : null;
}
