// The printable job report: GET /jobs/:id/report (HTML) and /jobs/:id/report.pdf (the same page
// printed by headless Chromium through playwright-core; nothing is downloaded: `chromium` in the
// config names the browser, Debian's /usr/bin/chromium by default).
import type { FastifyInstance, FastifyReply } from "fastify";
import { reportHtml } from "./report-html.ts";
import { readProfiles } from "./profiles.ts";
import type { ServerDeps } from "./server.ts";
import { verdict } from "./verdict.ts";
import { fail } from "./routes-api.ts";

/** The flags known to work with Debian's chromium (see the project's environment notes). */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function htmlToPdf(html: string, executablePath: string): Promise<Buffer> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    return await page.pdf({ format: "A4", printBackground: true });
  } finally {
    await browser.close();
  }
}

export function registerReports(app: FastifyInstance, deps: ServerDeps): void {
  const { log, config } = deps;
  /** The job's report page, or the reply already sent: 404 for an unknown job, the log's error. */
  const page = (id: string, reply: FastifyReply): string | FastifyReply => {
    try {
      const job = log.job(id);
      if (!job) return reply.code(404).send({ error: `no job '${id}'` });
      return reportHtml(job, verdict(job, config.limits), config.limits, readProfiles(deps.profilesDir, id), new Date());
    } catch (err) {
      return fail(reply, err);
    }
  };
  app.get<{ Params: { id: string } }>("/jobs/:id/report", async (req, reply) => {
    const html = page(req.params.id, reply);
    if (typeof html !== "string") return html;
    return reply.type("text/html; charset=utf-8").send(html);
  });
  app.get<{ Params: { id: string } }>("/jobs/:id/report.pdf", async (req, reply) => {
    const html = page(req.params.id, reply);
    if (typeof html !== "string") return html;
    try {
      const pdf = await htmlToPdf(html, config.chromium);
      return reply.type("application/pdf").header("content-disposition", `inline; filename="job-${encodeURIComponent(req.params.id)}.pdf"`).send(pdf);
    } catch (err) {
      return reply.code(503).send({ error: `PDF needs Chromium at ${config.chromium}: ${(err as Error).message.split("\n")[0]}` });
    }
  });
}
