// Sending per-job values (estimates) over an object channel whose policy may refuse a write: what
// the channel cannot take now waits, in order, and follows when it is writable. Nothing is dropped.
import type { ObjectWriter } from "../runtime/index.ts";

/** A function sending value after any still waiting; built once per plugin (not per value). */
export function inOrderSender<T>(out: ObjectWriter<T>): (value: T) => void {
  const backlog: T[] = [];
  const flush = (): void => {
    while (backlog.length > 0 && out.push(backlog[0])) backlog.shift();
    if (backlog.length > 0) void out.whenWritable().then(flush);
  };
  return (value: T): void => {
    backlog.push(value);
    flush();
  };
}
