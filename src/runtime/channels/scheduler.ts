// Delivers "data waiting" to readers that registered a handler: once per burst of writes, in a
// microtask after the writer's synchronous work, never inside the writer's call. A handler that
// throws (or whose promise rejects) is reported to `onError` against the reader's owner plugin, so
// a faulty consumer never breaks its producer.
import type { DeliveryQueue, RingReader } from "./ring.ts";

export class DeliveryScheduler implements DeliveryQueue {
  private pending: RingReader[] = [];
  private spare: RingReader[] = [];
  private scheduled = false;
  /** Handler promises not yet settled (async handlers still working on what they read). */
  private inflight = 0;
  private readonly settle = (): void => {
    this.inflight--;
  };

  constructor(private readonly onError: (owner: string, err: unknown) => void) {}

  /** True while a delivery is queued or an async handler has not finished. */
  busy(): boolean {
    return this.scheduled || this.inflight > 0;
  }

  request(reader: RingReader): void {
    reader.queued = true;
    this.pending.push(reader);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  }

  // Swaps the lists first: requests made by handlers during this drain run in the next microtask,
  // so a handler that feeds its own input cannot spin forever inside one drain.
  private readonly drain = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = this.spare;
    this.spare = batch;
    for (let i = 0; i < batch.length; i++) {
      const reader = batch[i];
      reader.queued = false;
      const handler = reader.handler;
      if (handler === null) continue;
      try {
        const result = handler();
        if (result !== undefined && typeof (result as Promise<unknown>).then === "function") {
          this.inflight++;
          (result as Promise<unknown>).then(this.settle, (err: unknown) => {
            this.settle();
            this.onError(reader.owner, err);
          });
        }
      } catch (err) {
        this.onError(reader.owner, err);
      }
    }
    batch.length = 0;
  };
}
