// health: publishes the running controller's health for `edgeprop status` and for systemd.
// - Status file (status-file.ts): boards, the job in progress, the last job, model versions,
//   rewritten atomically every `writeMs`, and once more on stop (`stoppedAt` set when the process
//   was told to stop by a signal).
// - systemd (sd-notify.ts), only when $NOTIFY_SOCKET is set (a Type=notify unit; otherwise
//   nothing is sent and nothing is loaded): READY=1 when this plugin starts, WATCHDOG=1 every
//   $WATCHDOG_USEC / 2 from an event-loop timer (so a blocked event loop stops the pings and
//   systemd restarts the service), STATUS=<summary> with them, STOPPING=1 on SIGTERM / SIGINT.
// List it just before the source (boards) in the config: plugins without dependencies start in
// config order and stop in reverse, so READY=1 goes out when the consumers have started (the
// source's start only begins opening ports in the background: a controller looking for its boards
// is up) and STOPPING=1 as soon as the source has stopped.
import { isAbsolute } from "node:path";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { Board, boardEvents, runSamples, vibSamples } from "../../src/controller/channels.ts";
import { jobRecordChannel } from "../../src/store/index.ts";
import { HealthState } from "./health-state.ts";
import { notifySocket, openNotifier, watchdogIntervalMs, type Notifier } from "./sd-notify.ts";
import { statusFilePath, writeStatusFile } from "./status-file.ts";

export const configSchema = z.object({
  /** Status file, an absolute path (`edgeprop status` must find it from anywhere); default
   *  <host.dataDir>/health/status.json. A service install puts it on tmpfs: /run/edgeprop/status.json. */
  file: z.string().refine(isAbsolute, "an absolute path").optional(),
  /** How often the status file is rewritten, ms. */
  writeMs: z.number().int().min(200).default(5000),
  /** Talk to systemd when $NOTIFY_SOCKET is set. */
  notify: z.boolean().default(true),
});

export default definePlugin(
  {
    name: "health",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [vibSamples, runSamples, boardEvents, jobRecordChannel],
    description: "status file for `edgeprop status`; systemd readiness, watchdog and status",
  },
  (ctx, config) => {
    const state = new HealthState();
    const file = config.file ?? statusFilePath(ctx.dataDir);
    const vib = ctx.channels.reader(vibSamples, () => {
      let any = false;
      while (vib.next() >= 0) any = true;
      if (any) state.samples(Board.VIB);
    });
    const run = ctx.channels.reader(runSamples, () => {
      let any = false;
      while (run.next() >= 0) any = true;
      if (any) state.samples(Board.RUN);
    });
    const ev = ctx.channels.reader(boardEvents, () => {
      for (let i = ev.next(); i >= 0; i = ev.next()) state.event(k[i], b[i], a[i], bb[i], c[i], d[i], e[i]);
    });
    const [k, b, a, bb, c, d, e] = (["kind", "board", "a", "b", "c", "d", "e"] as const).map((f) => ev.column(f));
    const recs = ctx.channels.reader(jobRecordChannel, () => {
      for (let r = recs.shift(); r !== undefined; r = recs.shift()) state.jobRecord(r);
    });
    ctx.jobs.on((event) => {
      if (event.type === "job.start") state.jobStarted(String(event.data?.job ?? ""), Number(event.data?.ordinal));
    });
    const writes = ctx.metrics.counter("status-writes", "status file writes");
    const writeFailures = ctx.metrics.counter("status-write-failures", "status file writes that failed");
    const pings = ctx.metrics.counter("watchdog-pings", "WATCHDOG=1 sent to systemd");
    let failedBefore = false;
    const write = (stopped = false): void => {
      try {
        writeStatusFile(file, state.snapshot(config.writeMs, stopped));
        writes.inc();
        failedBefore = false;
      } catch (err) {
        writeFailures.inc();
        // a full disk would repeat this every few seconds: say it once per episode
        if (!failedBefore) ctx.log.error({ file, err: (err as Error).message }, "cannot write the status file");
        failedBefore = true;
      }
    };
    let notifier: Notifier | null = null;
    const notify = (message: string): void => {
      if (notifier && !notifier.send(message)) ctx.log.warn({ socket: notifier.path, err: notifier.lastError }, "systemd notification not sent");
    };

    // The process is being stopped (SIGTERM: systemd's stop; SIGINT: Ctrl-C), as opposed to this
    // plugin being restarted by the host after a failure: only then STOPPING=1 (systemd would
    // otherwise start its stop timeout and kill a running controller) and `stoppedAt`.
    let terminating = false;
    const onSignal = (): void => {
      if (terminating) return;
      terminating = true;
      notify("STOPPING=1\nSTATUS=stopping");
    };

    return {
      start() {
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
        write();
        ctx.timers.setInterval(() => write(), config.writeMs);
        const socket = config.notify ? notifySocket() : null;
        if (socket === null) return;
        try {
          notifier = openNotifier(socket);
        } catch (err) {
          ctx.log.error({ socket, err: (err as Error).message }, "cannot talk to systemd (no readiness, no watchdog pings)");
          return;
        }
        notify(`READY=1\nSTATUS=${state.summary()}`);
        const every = watchdogIntervalMs();
        ctx.log.info({ socket, watchdogMs: every, file }, "systemd notified: ready");
        if (every !== null) {
          ctx.timers.setInterval(() => {
            notify(`WATCHDOG=1\nSTATUS=${state.summary()}`);
            pings.inc();
          }, every);
        }
      },
      stop() {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        notifier?.close();
        notifier = null;
        write(terminating);
      },
    };
  },
);
