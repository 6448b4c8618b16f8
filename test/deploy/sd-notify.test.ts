// The health plugin talks to systemd: a fake NOTIFY_SOCKET (a unix datagram socket bound here,
// through the same unix-dgram addon) receives READY=1, then WATCHDOG=1 every WATCHDOG_USEC / 2,
// none while the controller's event loop is blocked, and STOPPING=1 on SIGTERM. Without
// NOTIFY_SOCKET nothing is sent and the unix-dgram addon is not even loaded.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { notifySocket, openNotifier, watchdogIntervalMs } from "../../plugins/health/sd-notify.ts";
import { startHealthHost } from "./support/health-host.ts";

const dir = mkdtempSync(join(tmpdir(), "edgeprop-notify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = fileURLToPath(new URL("./support/notify-child.ts", import.meta.url));


function listen(path: string): { got: string[]; close: () => void } {
  const unix = createRequire(import.meta.url)("unix-dgram");
  const socket = unix.createSocket("unix_dgram", (msg: Buffer) => got.push(msg.toString()));
  const got: string[] = [];
  socket.bind(path);
  return { got, close: () => socket.close() };
}

function runChild(env: NodeJS.ProcessEnv, blockMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, join(dir, "data"), String(blockMs)], { env, stdio: ["ignore", "ignore", "inherit"] });
    p.on("error", reject);
    p.on("close", resolve);
  });
}

describe("systemd notifications", () => {
  it("READY=1, WATCHDOG=1 every WATCHDOG_USEC/2, none while the event loop is blocked, STOPPING=1", async () => {
    const sock = join(dir, "notify.sock");
    const { got, close } = listen(sock);
    const env: NodeJS.ProcessEnv = { ...process.env, NOTIFY_SOCKET: sock, WATCHDOG_USEC: "300000" };
    delete env.WATCHDOG_PID;
    const code = await runChild(env, 1200);
    await new Promise((r) => setTimeout(r, 50));
    close();
    expect(code).toBe(0);
    const texts = got;
    expect(texts[0]).toMatch(/^READY=1\nSTATUS=VIB missing, RUN missing; no job yet/);
    const start = texts.indexOf("X_TEST=block-start");
    const end = texts.indexOf("X_TEST=block-end");
    expect(start).toBeGreaterThan(0);
    expect(end).toBe(start + 1); // not one ping in the 1.2 s the loop was blocked (8 were due)
    const before = texts.slice(0, start).filter((t) => t.startsWith("WATCHDOG=1\nSTATUS="));
    const after = texts.slice(end).filter((t) => t.startsWith("WATCHDOG=1"));
    expect(before.length).toBeGreaterThanOrEqual(2); // 800 ms at one ping per 150 ms (timers may run late on a busy machine)
    expect(before.length).toBeLessThanOrEqual(7);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(texts.at(-1)).toBe("STOPPING=1\nSTATUS=stopping");
    const last = JSON.parse(readFileSync(join(dir, "data", "health", "status.json"), "utf8"));
    expect(last.stoppedAt).toMatch(/^\d{4}-/); // told to stop by a signal
  });

  it("sends nothing and loads nothing without NOTIFY_SOCKET", async () => {
    const saved = process.env.NOTIFY_SOCKET;
    delete process.env.NOTIFY_SOCKET;
    try {
      const require = createRequire(import.meta.url);
      const addon = require.resolve("unix-dgram");
      delete require.cache[addon];
      const { host } = await startHealthHost({ writeMs: 200, file: join(dir, "quiet", "status.json") }, join(dir, "quiet"));
      await new Promise((r) => setTimeout(r, 450));
      await host.stop();
      expect(host.metrics.value("health.watchdog-pings")).toBe(0);
      // stopped without a signal (as when the host restarts the plugin): not marked stopped
      expect(JSON.parse(readFileSync(join(dir, "quiet", "status.json"), "utf8")).stoppedAt).toBeNull();
      expect(host.metrics.value("health.status-writes")).toBeGreaterThanOrEqual(3);
      expect(require.cache[addon]).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.NOTIFY_SOCKET = saved;
    }
  });

  it("reads the watchdog interval as systemd's sd_watchdog_enabled does", () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "42" }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" }, 42)).toBeNull(); // another process's
    expect(watchdogIntervalMs({}, 42)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "soon" }, 42)).toBeNull();
    expect(notifySocket({})).toBeNull();
    expect(notifySocket({ NOTIFY_SOCKET: "/run/systemd/notify" })).toBe("/run/systemd/notify");
    expect(() => openNotifier("@/org/freedesktop/systemd1/notify")).toThrow(/abstract socket/);
  });

  it("reports a send to a socket nobody listens on", () => {
    const n = openNotifier(join(dir, "nobody.sock"));
    expect(n.send("READY=1")).toBe(false);
    expect(n.lastError).toMatch(/^send -\d+ \((ECONNREFUSED|ENOENT)\)$/);
    n.close();
  });
});
