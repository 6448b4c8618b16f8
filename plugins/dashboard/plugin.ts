// dashboard: the shop's screen. A fastify server (loopback by default; the LAN only with a token)
// with a WebSocket for live data and pages for the live job, the job history (filters, label form),
// one job's plots, the models (promote / rollback) and a printable job report (HTML, PDF).
//
// Reads the pipeline's channels (read-only, like the console): features.revs (per revolution),
// boards.run (runout shape), boards.vib (spectrum), boards.events (board health), jobs.records, and
// the job events; in the with-learners variant also the learners' status channels (running scores,
// current version, source), shown live on the models page. History, labels and models come from
// the job log through its own connection (WAL: the controller's job-log plugin keeps writing).
// Routes: see server.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { definePlugin, type ObjectChannelSpec } from "../../src/runtime/index.ts";
import type { LearnerStatus } from "../../src/learn/learner-status.ts";
import { Board, BoardEvent, boardEvents, featureRevs, runSamples, StreamKind, vibSamples } from "../../src/controller/channels.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";
import { profileFile } from "./profiles.ts";
import { configSchema } from "./config.ts";
import { LiveStore, PHASE_BY_STATE, type Phase } from "./live-state.ts";
import { RunRing, SpectrumBuffer } from "./signal-buffers.ts";
import { startServer, type RunningServer } from "./server.ts";
import { openJobLog, type LogAccess } from "./log-access.ts";

export { configSchema };

/** The dashboard; `learners`: status channels of the learning plugins to show live (each needs its writer in the config). */
export function dashboardPlugin(learners: readonly ObjectChannelSpec<LearnerStatus>[]) {
  return definePlugin(
    {
      name: "dashboard",
      version: "0.1.0",
      host: "^0.1.0",
      config: configSchema,
      reads: [featureRevs, runSamples, vibSamples, boardEvents, jobRecordChannel, ...learners],
      description: "web dashboard: live job, history and labels, models, printable job reports",
    },
    (ctx, config) => {
      const live = new LiveStore(config.limits, config.units);
      const run = new RunRing();
      const vib = new SpectrumBuffer();
      // The datasheet's values until a HELLO row says otherwise (as the feature extractor does: the
      // HELLO can be taken by discovery before the pipeline's link is open, and then never comes).
      const lsb = [0.0039, 0.1]; // VIB g per count, RUN µm per count
      const rate = [3200, 1000]; // Hz
      const port = ctx.metrics.gauge("port", "TCP port the dashboard listens on (0 while stopped)");
      const clients = ctx.metrics.gauge("clients", "connected live pages");
      const profilesDir = join(ctx.dataDir, "profiles");
      let server: RunningServer | null = null;
      let log: LogAccess | null = null;
      let lastRpm: number | null = null;

      const rr = ctx.channels.reader(runSamples, () => {
        for (let i = rr.next(); i >= 0; i = rr.next()) run.push(rc.t[i], rc.v[i]);
      });
      const rc = { t: rr.column("t"), v: rr.column("v") };

      const vr = ctx.channels.reader(vibSamples, () => {
        for (let i = vr.next(); i >= 0; i = vr.next()) vib.push(vx[i]);
      });
      const vx = vr.column("x");

      const fr = ctx.channels.reader(featureRevs, () => {
        for (let i = fr.next(); i >= 0; i = fr.next()) {
          if (f.kind[i] !== StreamKind.REV) continue;
          const ok = f.ok[i] === 1 ? 1 : 0;
          const lro = ok && Number.isFinite(f.lroUm[i]) ? f.lroUm[i] : null;
          const rpm = ok && Number.isFinite(f.rpm[i]) ? f.rpm[i] : null;
          if (rpm !== null) lastRpm = rpm;
          const profile = ok ? run.profile(f.t[i], f.period[i], lsb[Board.RUN]) : null;
          live.revolution(
            { ordinal: f.ordinal[i], phase: PHASE_BY_STATE[f.phase[i]] ?? null, pass: f.pass[i], comp: f.comp[i], ok, t: f.t[i], lroUm: lro, rpm },
            profile,
          );
        }
      });
      const f = {
        kind: fr.column("kind"), ordinal: fr.column("ordinal"), t: fr.column("t"), period: fr.column("period"), phase: fr.column("phase"),
        comp: fr.column("comp"), pass: fr.column("pass"), ok: fr.column("ok"), lroUm: fr.column("lroUm"), rpm: fr.column("rpm"),
      };

      const er = ctx.channels.reader(boardEvents, () => {
        for (let i = er.next(); i >= 0; i = er.next()) {
          const b = e.board[i] === Board.VIB ? "vib" : "run";
          switch (e.kind[i]) {
            case BoardEvent.HELLO:
              rate[e.board[i]] = e.a[i];
              lsb[e.board[i]] = e.b[i];
              live.health(b, { online: true, rateHz: e.a[i] });
              break;
            case BoardEvent.COUNTERS:
              live.health(b, { online: true, framesOk: e.a[i], dropped: e.b[i], lostFrames: e.c[i], gaps: e.d[i], resets: e.e[i], samples: e.f[i] });
              break;
            case BoardEvent.LOST:
            case BoardEvent.END:
              live.health(b, { online: false });
              break;
            case BoardEvent.BACK:
              live.health(b, { online: true });
              break;
          }
        }
      });
      const e = { kind: er.column("kind"), board: er.column("board"), a: er.column("a"), b: er.column("b"), c: er.column("c"), d: er.column("d"), e: er.column("e"), f: er.column("f") };

      const recs = ctx.channels.reader(jobRecordChannel, () => {
        for (let entry = recs.shift(); entry !== undefined; entry = recs.shift()) {
          const r = entry.record;
          const shapes = live.profilesOf(r.ordinal);
          if (shapes && (shapes.before || shapes.after)) {
            try {
              mkdirSync(profilesDir, { recursive: true });
              writeFileSync(profileFile(profilesDir, r.id), JSON.stringify(shapes));
            } catch (err) {
              ctx.log.warn({ job: r.id, err: (err as Error).message }, "runout shapes not saved");
            }
          }
          live.record(r);
        }
      });

      for (const spec of learners) {
        const lr = ctx.channels.reader(spec, () => {
          for (let s = lr.shift(); s !== undefined; s = lr.shift()) live.learner(s);
        });
      }

      ctx.jobs.on((ev) => {
        const d = ev.data;
        if (ev.type === "job.start") live.jobStart(String(d.job), Number(d.ordinal), typeof d.startedAt === "string" ? d.startedAt : null);
        else if (ev.type === "job.phase" && PHASE_BY_STATE.includes(d.phase as Phase)) live.jobPhase(d.phase as Phase, Number(d.pass));
        else if (ev.type === "job.end") live.jobEnd(d.status === "complete" ? "complete" : "interrupted", typeof d.reason === "string" ? d.reason : null);
      });

      ctx.timers.setInterval(() => {
        if (vib.fresh === 0) return;
        const amp = vib.compute(lsb[Board.VIB]);
        if (amp) live.spectrum({ df: rate[Board.VIB] / vib.size, amp, rpm: lastRpm });
      }, config.spectrumMs);

      return {
        async start() {
          log = openJobLog(config.db);
          // A port taken by something else must not stop the controller: say so and keep trying.
          let retry: number | null = null;
          const listen = async (): Promise<void> => {
            if (server || !log) return;
            try {
              server = await startServer({ config, live, log, profilesDir, onClients: (n) => clients.set(n) });
            } catch (err) {
              if (retry === null) ctx.log.error({ host: config.host, port: config.port, err: (err as Error).message }, `dashboard cannot listen on ${config.host}:${config.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); retrying every ${config.retryMs} ms`);
              retry ??= ctx.timers.setInterval(() => void listen(), config.retryMs);
              return;
            }
            if (retry !== null) ctx.timers.clear(retry);
            port.set(server.port);
            ctx.log.info({ url: server.url, lan: config.token !== undefined }, `dashboard on ${server.url}`);
          };
          await listen();
        },
        async stop() {
          await server?.close();
          server = null;
          port.set(0);
          log?.close();
          log = null;
        },
      };
    },
  );
}
