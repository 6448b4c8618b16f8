// `boards.raw`: the bytes each board sent, chunk by chunk, for consumers that keep raw captures
// (the job-log plugin's per-job captures). Written only when the source's `raw` flag is set (live
// boards or a replay); off by default, so the hot receive path is unchanged when nobody asks.
import { objectChannel } from "../../src/runtime/index.ts";

/** One received chunk. `bytes` is a copy owned by the reader (the port's buffer is reused). */
export interface RawChunk {
  board: "vib" | "run";
  bytes: Uint8Array;
}

/** Drop-oldest: a lagging capture loses chunks (its reader's `dropped` says how many), never the boards. */
export const rawChannel = objectChannel<RawChunk>("boards.raw", { capacity: 4096, policy: "drop-oldest" });

/**
 * A chunk handler that copies the view and publishes it. The copy allocates one buffer per chunk:
 * acceptable only because this path exists only when raw capture is asked for.
 */
export function rawPublisher(writer: { push(chunk: RawChunk): boolean }): (board: "vib" | "run", view: Uint8Array) => void {
  return (board, view) => {
    // Uint8Array.prototype.slice copies; a Buffer's own slice() would return a view of reused memory
    writer.push({ board, bytes: Uint8Array.prototype.slice.call(view) });
  };
}
