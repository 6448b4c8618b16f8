// LAN access: loopback by default, a LAN address only with a token (a config without one is refused
// at load), and then every request — pages, API, static files, the WebSocket upgrade — needs it.
// The browser part checks that a real page works with the token (cookie from ?token=) and gets 401
// without it.
import { existsSync } from "node:fs";
import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePlugin, Host, parseConfig, RuntimeErrors, z } from "../../../src/runtime/index.ts";
import { boardEvents, featureRevs, runSamples, vibSamples } from "../../../src/controller/channels.ts";
import { jobRecordChannel } from "../../../src/store/index.ts";
import { haveChromium, launch, pluginPath, SKIP_REASON, until } from "./support.ts";

const TOKEN = "s3cret-token-for-the-lan-0123";

/** Writes the channels the dashboard reads (nothing on them: these tests are about access). */
const source = definePlugin(
  { name: "source", version: "1.0.0", host: "*", config: z.object({}), writes: [featureRevs, runSamples, vibSamples, boardEvents, jobRecordChannel] },
  () => ({}),
);

async function load(dir: string, dashboard: Record<string, unknown>): Promise<Host> {
  const config = parseConfig(
    { host: { dataDir: join(dir, "data") }, plugins: { source: { module: "test:source" }, dashboard: { module: pluginPath("dashboard"), config: { port: 0, db: join(dir, "log.sqlite"), ...dashboard } } } },
    join(dir, "edgeprop.yaml"),
  );
  return Host.load(await config, { preloaded: { "test:source": source } });
}

/** A WebSocket upgrade by hand: the status line the server answers with. */
function upgrade(port: number, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1", port, path: "/ws", agent: false, // a fresh socket each (the keep-alive agent mixes up upgrades)
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgeprop-dash-lan-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("dashboard access", () => {
  it("refuses a LAN address without a token, naming the field", async () => {
    const err = await load(dir, { host: "0.0.0.0" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeErrors);
    const e = (err as RuntimeErrors).errors[0];
    expect(e.code).toBe("EP_ERR_PLUGIN_CONFIG");
    expect(e.path).toBe("plugins.dashboard.config.token");
    expect(e.message).toMatch(/needs a token/);
    const short = await load(dir, { host: "0.0.0.0", token: "short" }).catch((x: unknown) => x);
    expect((short as RuntimeErrors).errors[0].path).toBe("plugins.dashboard.config.token");
  });

  it("listens on loopback only by default, without a token", async () => {
    const host = await load(dir, {});
    await host.start();
    try {
      const port = host.metrics.value("dashboard.port")!;
      expect(port).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${port}/api/live`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { limits: { lroUm: number } }).limits.lroUm).toBe(50);
      expect(await upgrade(port)).toBe(101);
      // no job log yet: the live page works, history says why it has nothing, and no log is created
      const jobs = await fetch(`http://127.0.0.1:${port}/api/jobs`);
      expect(jobs.status).toBe(503);
      expect(((await jobs.json()) as { error: string }).error).toMatch(/^no job log at .*log\.sqlite yet/);
      expect(existsSync(join(dir, "log.sqlite"))).toBe(false);
      // nothing answers on this machine's other addresses
      const { networkInterfaces } = await import("node:os");
      const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal);
      if (lan) await expect(fetch(`http://${lan.address}:${port}/api/live`)).rejects.toThrow();
    } finally {
      await host.stop();
    }
  });

  it("on the LAN every request needs the token: 401 without, in any of the three forms with", async () => {
    const host = await load(dir, { host: "0.0.0.0", token: TOKEN });
    await host.start();
    try {
      const base = `http://127.0.0.1:${host.metrics.value("dashboard.port")}`;
      for (const path of ["/", "/jobs", "/models", "/api/live", "/api/jobs", "/static/live.js", "/static/uPlot.iife.min.js", "/jobs/x/report"]) {
        expect((await fetch(`${base}${path}`)).status, path).toBe(401);
        expect((await fetch(`${base}${path}`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status, path).toBe(401);
      }
      expect((await fetch(`${base}/api/jobs/x/labels`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"judder":"yes"}' })).status).toBe(401);
      expect(await upgrade(host.metrics.value("dashboard.port")!)).toBe(401);
      expect(await upgrade(host.metrics.value("dashboard.port")!, { cookie: `edgeprop_dashboard=${TOKEN}` })).toBe(101);
      expect((await fetch(`${base}/api/live`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      const viaQuery = await fetch(`${base}/api/live?token=${TOKEN}`);
      expect(viaQuery.status).toBe(200);
      expect(viaQuery.headers.get("set-cookie")).toMatch(/^edgeprop_dashboard=.*HttpOnly; SameSite=Strict/);
      expect((await fetch(`${base}/api/live`, { headers: { cookie: `edgeprop_dashboard=${TOKEN}` } })).status).toBe(200);
      // a refused upgrade's socket must not hold the server open (it did: stop ran into its 5 s timeout)
      const t0 = performance.now();
      await host.stop();
      expect(performance.now() - t0).toBeLessThan(1000);
    } finally {
      await host.stop();
    }
  });

  it.skipIf(!haveChromium)("in Chromium: 401 without the token; with ?token= the page, its scripts and its WebSocket work", async () => {
    const host = await load(dir, { host: "0.0.0.0", token: TOKEN });
    await host.start();
    const browser = await launch();
    try {
      const base = `http://127.0.0.1:${host.metrics.value("dashboard.port")}`;
      const page = await browser.newPage();
      const denied = await page.goto(`${base}/`);
      expect(denied!.status()).toBe(401);
      const ok = await page.goto(`${base}/?token=${TOKEN}`);
      expect(ok!.status()).toBe(200);
      await until("the live connection", () => page.locator("#conn").textContent().then((t) => t === "live"));
      expect(host.metrics.value("dashboard.clients")).toBe(1);
      await page.goto(`${base}/jobs`);
      await until("the history page", () => page.locator("#jobs-error").count());
      expect(await page.locator("#jobs-error").textContent()).toMatch(/^no job log at /);
    } finally {
      await browser.close();
      await host.stop();
    }
  });
  if (!haveChromium) it.skip(SKIP_REASON, () => undefined);
});

describe("dashboard port taken", () => {
  it("keeps the controller running, says so, and listens once the port is free", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const taken = (blocker.address() as { port: number }).port;
    const host = await load(dir, { port: taken, retryMs: 100 });
    await host.start();
    try {
      expect(host.plugins().find((p) => p.name === "dashboard")?.status).toBe("running");
      expect(host.metrics.value("dashboard.port")).toBe(0);
      await new Promise<void>((r) => blocker.close(() => r()));
      await until("the dashboard on its port", () => host.metrics.value("dashboard.port") === taken, 5000);
      expect((await fetch(`http://127.0.0.1:${taken}/api/live`)).status).toBe(200);
    } finally {
      await host.stop();
      if (blocker.listening) blocker.close();
    }
  });
});
