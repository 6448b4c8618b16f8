// The dashboard's config section. Loopback by default: the page is for the Pi's own screen (or an
// SSH tunnel). Serving the LAN is a deliberate choice: `host: 0.0.0.0` plus a `token`, and then every
// request, page, API and WebSocket alike, must carry it (401 otherwise).
import { z } from "../../src/runtime/index.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

export const limitsSchema = z.object({
  /** Lateral runout limit, µm (the vehicle maker's installed-LRO limit; 50 µm = 0.002 in). */
  lroUm: z.number().positive().default(50),
  /** Thickness variation (DTV) limit, µm, checked when a DTV was measured (label). */
  dtvUm: z.number().positive().default(15),
  /** Surface finish limit Ra, µm, checked when known (estimate or label). */
  raUm: z.number().positive().default(3.2),
  /** p(judder) at or above this flags the disc (the judder rule's threshold). */
  judderP: z.number().min(0).max(1).default(0.5),
  /** Chatter band of the spectrum plot, Hz (the feature extractor's `chatter` band). */
  chatterHz: z.tuple([z.number().nonnegative(), z.number().positive()]).default([500, 1500]),
});

export const configSchema = z
  .object({
    /** Address to listen on. 127.0.0.1 (default) or ::1: this machine only. Anything else needs `token`. */
    host: z.string().min(1).default("127.0.0.1"),
    /** TCP port; 0 picks a free one (read it from the gauge `dashboard.port`). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Shared secret (≥ 16 characters) required on every request when set: `Authorization: Bearer …`,
     *  `?token=…` (which also sets a cookie for the page's own requests) or that cookie. */
    token: z.string().min(16).optional(),
    /** The job log (SQLite) read for history, labels and models; default: the job-log plugin's default. */
    db: z.string().min(1).optional(),
    limits: limitsSchema.default(limitsSchema.parse({})),
    /** Units shown first on the page (switchable there). */
    units: z.enum(["um", "thou"]).default("um"),
    /** Chromium for PDF reports (playwright-core drives it; nothing is downloaded). */
    chromium: z.string().min(1).default("/usr/bin/chromium"),
    /** When the port is taken, try again this often, ms (the controller runs on meanwhile). */
    retryMs: z.number().int().min(50).default(10_000),
    /** Spectrum refresh, ms (wall clock), while vibration samples arrive. */
    spectrumMs: z.number().int().min(100).max(10_000).default(500),
  })
  .superRefine((c, issue) => {
    if (!isLoopback(c.host) && c.token === undefined) {
      issue.addIssue({ code: "custom", path: ["token"], message: `serving the LAN (host ${c.host}) needs a token (≥ 16 characters)` });
    }
  });

export type DashboardConfig = z.output<typeof configSchema>;
export type Limits = z.output<typeof limitsSchema>;
