// Host events worth keeping in the job log's `events` table (plugin failures and restarts, board
// faults), as `{type, time, source, message, data}`. A plugin cannot see host events, so the
// program that owns the Host (the `run` command) wires this: `const stop = recordHostEvents(host.events, dbFile)`.
// It writes through its own connection (WAL), and never throws into the host's event delivery.
import type { RuntimeEvent } from "../../src/runtime/index.ts";
import { JobLog } from "../../src/store/index.ts";

/** Event types recorded: the host's plugin supervision, and anything a board source calls `board.*`. */
export const RECORDED_EVENTS = /^(plugin\.(failed|restarting|restarted|disabled|start-failed|stop-failed)|board\.|host\.(started|stopped)$)/;

export interface EventSource {
  on(listener: (event: RuntimeEvent) => void): () => void;
}

/** Records matching events into the log at `file`; returns a function that stops and closes. */
export function recordHostEvents(events: EventSource, file: string, onError: (err: unknown) => void = () => undefined): () => void {
  const log = JobLog.open(file);
  const off = events.on((e) => {
    if (!RECORDED_EVENTS.test(e.type)) return;
    try {
      log.addEvent(e);
    } catch (err) {
      onError(err);
    }
  });
  return () => {
    off();
    log.close();
  };
}
