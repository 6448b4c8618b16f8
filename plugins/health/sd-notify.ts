// systemd's notification protocol (sd_notify(3)): newline-separated KEY=VALUE assignments sent as
// one datagram to the unix socket named by $NOTIFY_SOCKET. Node has no unix datagram sockets, so
// the sending is done by the `unix-dgram` addon (loaded only when $NOTIFY_SOCKET is set).
// An abstract socket name ("@…") is not supported by that addon; systemd gives services a path
// (/run/systemd/notify), so this only matters for unusual set-ups, and is reported once.
import { createRequire } from "node:module";
import { constants } from "node:os";

export interface Notifier {
  readonly path: string;
  /** Sends one message; false (and `lastError` set) when the datagram could not be sent. */
  send(message: string): boolean;
  lastError: string | null;
  close(): void;
}

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  on(event: "error", fn: (err: Error) => void): void;
  close(): void;
}

/** The socket path from the environment: null when not run by systemd with Type=notify. */
export function notifySocket(env: NodeJS.ProcessEnv = process.env): string | null {
  const p = env.NOTIFY_SOCKET;
  return p ? p : null;
}

/**
 * How often to send WATCHDOG=1, ms: half of $WATCHDOG_USEC (sd_watchdog_enabled(3)); null when no
 * watchdog is asked for, or it is meant for another process ($WATCHDOG_PID).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !(usec > 0)) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return usec / 2000;
}

export function openNotifier(path: string): Notifier {
  if (path.startsWith("@")) throw new Error(`NOTIFY_SOCKET=${path} is an abstract socket, which this controller cannot send to`);
  const unix = createRequire(import.meta.url)("unix-dgram") as { createSocket(type: "unix_dgram"): UnixDgramSocket };
  const socket = unix.createSocket("unix_dgram");
  const notifier: Notifier = {
    path,
    lastError: null,
    send(message) {
      const buf = Buffer.from(message);
      let ok = true;
      // unix-dgram calls back synchronously (a non-blocking sendto)
      socket.send(buf, 0, buf.length, path, (err) => {
        ok = !err;
        notifier.lastError = err ? errnoText(err) : null;
      });
      return ok;
    },
    close: () => socket.close(),
  };
  socket.on("error", (err) => (notifier.lastError = err.message));
  return notifier;
}

/** unix-dgram reports `send -111`: name the errno (ECONNREFUSED). */
function errnoText(err: Error): string {
  const code = Number((err as NodeJS.ErrnoException).errno);
  const name = Object.entries(constants.errno).find(([, v]) => v === -code || v === code)?.[0];
  return name ? `${err.message} (${name})` : err.message;
}
