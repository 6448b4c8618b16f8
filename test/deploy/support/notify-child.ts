// Child process for sd-notify.test.ts: runs the health plugin with the test's NOTIFY_SOCKET and
// WATCHDOG_USEC, then blocks its own event loop for BLOCK_MS between two marker datagrams sent
// from this same thread, then sends itself SIGTERM and stops the host.
import { createRequire } from "node:module";
import { startHealthHost } from "./health-host.ts";

const [dataDir, blockMs] = [process.argv[2], Number(process.argv[3])];
const unix = createRequire(import.meta.url)("unix-dgram");
const marker = unix.createSocket("unix_dgram");
const mark = (text: string): void => {
  const buf = Buffer.from(text);
  marker.send(buf, 0, buf.length, process.env.NOTIFY_SOCKET, () => undefined);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { host } = await startHealthHost({ writeMs: 200 }, dataDir);
await sleep(800);
mark("X_TEST=block-start");
const until = performance.now() + blockMs;
while (performance.now() < until) {
  // a hung event loop: no timer can run
}
mark("X_TEST=block-end");
await sleep(800);
// stopped as systemd stops it (as `edgeprop run` does: SIGTERM → host.stop())
await new Promise<void>((done) => {
  process.once("SIGTERM", () => void host.stop().then(done));
  process.kill(process.pid, "SIGTERM");
});
marker.close();
