// The dashboard's HTTP server. Routes:
//   GET  /                        live job page            GET /jobs          job history
//   GET  /jobs/:id                one job with its plots   GET /models        models
//   GET  /jobs/:id/report         printable report (HTML)  GET /jobs/:id/report.pdf  the same as PDF
//   GET  /static/*                page files, uPlot        GET /ws            live data (WebSocket)
//   GET  /api/live  /api/jobs?status&judder&labelled&q&limit  /api/jobs/:id  /api/models
//   POST /api/jobs/:id/labels {judder, dtvUm, raUm, who}   POST /api/jobs/:id/meta {repairOrder, vehicle, wheel, technician}
//   POST /api/models/:version/promote   POST /api/models/rollback {kind}
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import websocket from "@fastify/websocket";
import { requireToken } from "./auth.ts";
import type { DashboardConfig } from "./config.ts";
import type { LiveStore } from "./live-state.ts";
import type { LogAccess } from "./log-access.ts";
import { registerApi } from "./routes-api.ts";
import { registerReports } from "./routes-report.ts";

export interface ServerDeps {
  config: DashboardConfig;
  live: LiveStore;
  log: LogAccess;
  /** Folder of saved runout shapes, `<job id>.json`. */
  profilesDir: string;
  onClients?: (n: number) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  port: number;
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const PAGES: Record<string, string> = { "/": "live.html", "/jobs": "jobs.html", "/jobs/:id": "job.html", "/models": "models.html" };

/** The page files and uPlot's two files, read once. */
function loadStatic(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const own = join(dirname(fileURLToPath(import.meta.url)), "static");
  for (const name of readdirSync(own)) {
    const ext = name.slice(name.lastIndexOf("."));
    if (TYPES[ext]) files.set(name, { body: readFileSync(join(own, name)), type: TYPES[ext] });
  }
  const uplot = dirname(createRequire(import.meta.url).resolve("uplot"));
  files.set("uPlot.iife.min.js", { body: readFileSync(join(uplot, "uPlot.iife.min.js")), type: TYPES[".js"] });
  files.set("uPlot.min.css", { body: readFileSync(join(uplot, "uPlot.min.css")), type: TYPES[".css"] });
  return files;
}

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, live } = deps;
  const files = loadStatic();
  // forceCloseConnections: stopping the controller must not wait for browsers' keep-alive sockets
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  if (config.token !== undefined) app.addHook("onRequest", requireToken(config.token));
  await app.register(websocket);

  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, async (_req, reply) => reply.type(files.get(file)!.type).header("cache-control", "no-store").send(files.get(file)!.body));
  }
  app.get<{ Params: { file: string } }>("/static/:file", async (req, reply) => {
    const f = files.get(req.params.file);
    if (!f) return reply.code(404).send({ error: `no file ${req.params.file}` });
    return reply.type(f.type).header("cache-control", "max-age=300").send(f.body);
  });

  const sockets = new Set<{ send(data: string): void; terminate(): void }>();
  const off = live.subscribe((m) => {
    const data = JSON.stringify(m);
    for (const s of sockets) s.send(data);
  });
  app.get("/ws", { websocket: true }, (socket) => {
    sockets.add(socket);
    deps.onClients?.(sockets.size);
    socket.send(JSON.stringify({ type: "snapshot", state: live.state }));
    socket.on("close", () => {
      sockets.delete(socket);
      deps.onClients?.(sockets.size);
    });
  });

  registerApi(app, deps);
  registerReports(app, deps);

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const shown = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    app,
    port,
    url: `http://${shown}:${port}/`,
    async close() {
      off();
      for (const s of sockets) s.terminate(); // no close handshake to wait for: the controller is stopping
      await app.close();
    },
  };
}
