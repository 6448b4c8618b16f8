// JSON API of the dashboard: live snapshot, history with filters, one job, labels, models.
import type { FastifyInstance, FastifyReply } from "fastify";
import { isStoreError, StoreErrorCodes } from "../../src/store/index.ts";
import { LogUnavailable, type JobFilter } from "./log-access.ts";
import type { ServerDeps } from "./server.ts";
import { readProfiles } from "./profiles.ts";
import { verdict } from "./verdict.ts";

function bool(v: unknown): boolean | undefined {
  return v === "yes" || v === "true" ? true : v === "no" || v === "false" ? false : undefined;
}

/** A store error is the client's (400 bad input, 404 unknown job/model); anything else is ours. */
export function fail(reply: FastifyReply, err: unknown): FastifyReply {
  if (isStoreError(err)) {
    const code = err.code === StoreErrorCodes.NOT_FOUND ? 404 : err.code === StoreErrorCodes.BAD_INPUT ? 400 : 500;
    return reply.code(code).send({ error: err.message, code: err.code });
  }
  if (err instanceof LogUnavailable) return reply.code(503).send({ error: err.message });
  return reply.code(500).send({ error: (err as Error).message });
}

function labelValue(v: unknown, name: string): number | null {
  if (v === undefined || v === null || v === "") return null;
  const x = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${name} must be a number ≥ 0 (µm), got '${String(v)}'`);
  return x;
}

export function registerApi(app: FastifyInstance, deps: ServerDeps): void {
  const { live, log, config } = deps;

  app.get("/api/live", async () => live.state);

  app.get<{ Querystring: Record<string, string | undefined> }>("/api/jobs", async (req, reply) => {
    const q = req.query;
    const status = q.status === "running" || q.status === "complete" || q.status === "interrupted" ? q.status : undefined;
    const filter: JobFilter = { status, judder: bool(q.judder), labelled: bool(q.labelled), q: q.q, limit: q.limit ? Number(q.limit) || 100 : 100 };
    try {
      return { jobs: log.jobs(filter).map((j) => ({ ...j, verdict: verdict(j, config.limits) })), limits: config.limits };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get<{ Params: { id: string } }>("/api/jobs/:id", async (req, reply) => {
    try {
      const job = log.job(req.params.id);
      if (!job) return reply.code(404).send({ error: `no job '${req.params.id}' in ${log.file}` });
      return { job, verdict: verdict(job, config.limits), revolutions: log.revolutions(job.id), profiles: readProfiles(deps.profilesDir, job.id), limits: config.limits };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | null }>("/api/jobs/:id/labels", async (req, reply) => {
    const b = req.body ?? {};
    let label;
    try {
      const j = b.judder;
      const judder = j === true || j === "yes" ? true : j === false || j === "no" ? false : j === undefined || j === null || j === "" ? null : undefined;
      if (judder === undefined) throw new RangeError(`judder must be yes or no, got '${String(j)}'`);
      label = { judder, dtvUm: labelValue(b.dtvUm, "dtvUm"), raUm: labelValue(b.raUm, "raUm"), who: typeof b.who === "string" && b.who.trim() ? b.who.trim().slice(0, 80) : null };
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    try {
      const id = log.label(req.params.id, label);
      return { id, labels: log.job(req.params.id)?.labels ?? null };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | null }>("/api/jobs/:id/meta", async (req, reply) => {
    const b = req.body ?? {};
    const text = (k: string): string | null => (typeof b[k] === "string" && (b[k] as string).trim() ? (b[k] as string).trim().slice(0, 120) : null);
    try {
      log.annotate(req.params.id, { repairOrder: text("repairOrder"), vehicle: text("vehicle"), wheel: text("wheel"), technician: text("technician") });
      return { meta: log.job(req.params.id)?.meta ?? null };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get("/api/models", async (_req, reply) => {
    try {
      return log.models();
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { version: string } }>("/api/models/:version/promote", async (req, reply) => {
    try {
      return { model: log.promote(req.params.version) };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Body: { kind?: unknown } | null }>("/api/models/rollback", async (req, reply) => {
    const kind = req.body?.kind;
    if (typeof kind !== "string" || !kind) return reply.code(400).send({ error: "give the model kind to roll back: {\"kind\": …}" });
    try {
      return { model: log.rollback(kind) };
    } catch (err) {
      return fail(reply, err);
    }
  });
}
