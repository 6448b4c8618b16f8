// The LAN token check. With a token configured every request must carry it: `Authorization: Bearer
// <token>`, `?token=<token>` (answered with a cookie so the page's scripts, API calls and WebSocket
// carry it from then on) or that cookie. Compared in constant time.
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";

export const COOKIE = "edgeprop_dashboard";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** An onRequest hook enforcing `token`; the WebSocket upgrade goes through it like any request. */
export function requireToken(token: string) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ") && same(auth.slice(7), token)) return done();
    const fromCookie = cookie(req.headers.cookie, COOKIE);
    if (fromCookie !== null && same(fromCookie, token)) return done();
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === "string" && same(q, token)) {
      reply.header("set-cookie", `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return done();
    }
    // A refused WebSocket upgrade: its socket is outside the HTTP server's keep-alive handling, so
    // end it once the 401 is out (left open, it would hold the server's close forever).
    if (req.headers.upgrade) reply.raw.once("finish", () => req.raw.socket?.destroy());
    reply.code(401).header("www-authenticate", 'Bearer realm="edgeprop"').type("text/plain; charset=utf-8").send("401: this dashboard needs its token\n");
  };
}
