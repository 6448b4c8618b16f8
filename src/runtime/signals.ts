// Stops a host on SIGINT/SIGTERM (the CLI calls this; the host itself never touches `process`).
// The first signal stops the plugins in reverse order, flushing what they hold; a second one while
// that runs exits at once, for a plugin whose stop hangs past patience.
import type { Host } from "./host.ts";

export interface SignalSource {
  once(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  removeListener(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/** Returns a promise that settles after a signal has stopped the host, and a function to unhook. */
export function stopOnSignals(host: Pick<Host, "stop">, source: SignalSource, forceExit: () => void): { stopped: Promise<string>; dispose(): void } {
  let dispose = (): void => undefined;
  const stopped = new Promise<string>((resolve) => {
    const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
      const onSignal = (): void => {
        for (const [s, h] of handlers) source.removeListener(s, h);
        const again = (): void => forceExit();
        source.once("SIGINT", again);
        source.once("SIGTERM", again);
        void host.stop().then(() => {
          source.removeListener("SIGINT", again);
          source.removeListener("SIGTERM", again);
          resolve(signal);
        });
      };
      source.once(signal, onSignal);
      return [signal, onSignal] as const;
    });
    dispose = () => {
      for (const [s, h] of handlers) source.removeListener(s, h);
    };
  });
  return { stopped, dispose: () => dispose() };
}
