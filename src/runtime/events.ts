// Structured events: everything the host does to a plugin, and every job lifecycle step a plugin
// announces, as one shape `{type, time, source, message, data}`. The host logs each one and hands
// it to its listeners (the CLI prints them; tests collect them).

export interface RuntimeEvent {
  /** Dotted kind: `plugin.started`, `plugin.failed`, `job.start`, … */
  type: string;
  /** Wall-clock milliseconds since the epoch (the host's injected clock). */
  time: number;
  /** `host` or the plugin's name. */
  source: string;
  message: string;
  data: Record<string, unknown>;
}

/** What a plugin announces through `ctx.jobs.emit`; the host adds time and source. */
export interface JobEvent {
  type: "job.start" | "job.phase" | "job.end";
  /** The job's id, as the emitting plugin assigns it. */
  job: string;
  /** Board time of the step, µs. */
  boardUs: number;
  message?: string;
  data?: Record<string, unknown>;
}

export type EventListener = (event: RuntimeEvent) => void;

export class EventBus {
  private listeners: EventListener[] = [];

  on(listener: EventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** A throwing listener is not allowed to stop delivery to the others; its error goes to `onError`. */
  emit(event: RuntimeEvent, onError: (listener: EventListener, err: unknown) => void): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        onError(l, err);
      }
    }
  }
}
