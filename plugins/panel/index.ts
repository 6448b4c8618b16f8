// panel: the lathe-side operator panel (buttons, LEDs, buzzer, 16×2 LCD) on any johnny-five IO.
// Reads job events, revolutions (live runout) and ended jobs; labels the last ended job and resets
// the tip counter in the job log through its own connection (source "panel"); publishes what the
// panel shows on `panel.state` for the dashboard. A lost board is reported and reconnected with
// backoff; the controller never waits on the panel. States, texts and beeps: README.md.
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { definePlugin, objectChannel } from "../../src/runtime/index.ts";
import { JobLog, defaultDbPath } from "../../src/store/index.ts";
import { jobRecordChannel } from "../../src/store/job-record.ts";
import { featureRevs, StreamKind } from "../../src/controller/channels.ts";
import { configSchema, type PanelConfig } from "./config.ts";
import { ioFactory, type OpenIO } from "./io-factory.ts";
import { PanelLink } from "./panel-link.ts";
import { PanelModel, type PanelView } from "./panel-model.ts";
import type { ButtonRole } from "./panel-board.ts";
import type { StateName } from "./states.ts";

/** What the panel shows, each time it changes (the dashboard's copy of the panel). */
export interface PanelSnapshot extends PanelView {
  /** Epoch ms. */
  time: number;
  /** The panel's board is connected and drawing. */
  connected: boolean;
  /** Why the board is not connected (the last loss or open failure); null when connected. */
  problem: string | null;
  /** The beep pattern started with this change ("" none). */
  beep: string;
  tipWear: number;
  tipChangeAt: number;
}

export const panelStateChannel = objectChannel<PanelSnapshot>("panel.state", { capacity: 32, policy: "drop-oldest" });

export { configSchema };
export type { PanelConfig };

export interface PanelPluginOptions {
  /** The IO to open on each connection attempt; default from the config (`io`). */
  openIO?: (config: PanelConfig) => OpenIO;
  /** Where the virtual panel is printed; default the config's `console` stream. */
  out?: { write(s: string): unknown };
}

export function createPanelPlugin(options: PanelPluginOptions = {}) {
  return definePlugin(
    {
      name: "panel",
      version: "0.1.0",
      host: "^0.1.0",
      config: configSchema,
      reads: [jobRecordChannel, featureRevs],
      writes: [panelStateChannel],
      description: "operator panel: buttons, LEDs, buzzer and LCD on a johnny-five board",
    },
    (ctx, config) => {
      const file = config.db ? (isAbsolute(config.db) ? config.db : resolve(config.db)) : defaultDbPath();
      const model = new PanelModel({ tipChangeAt: config.tipChangeAt, raMaxUm: config.raMaxUm, lroPostMaxUm: config.lroPostMaxUm });
      const stateOut = ctx.channels.writer(panelStateChannel);
      const out = options.out ?? (config.console === "stdout" ? process.stdout : process.stderr);
      const printing = config.io === "virtual" && config.console !== "off";
      const m = {
        connected: ctx.metrics.gauge("connected", "1 while the panel's board is connected"),
        losses: ctx.metrics.counter("losses", "times the panel's board was lost or could not be opened"),
        presses: ctx.metrics.counter("presses", "button presses"),
        labels: ctx.metrics.counter("labels", "judder labels stored from the panel"),
        tipWear: ctx.metrics.gauge("tipWear", "cut passes since the tips were changed"),
      };
      let log: JobLog | null = null;
      let flashTimer: number | null = null;
      let last = "";
      let problem: string | null = null;
      let lastPrinted = "";
      let printedAt = 0;

      const timers = { setTimeout: (fn: () => void, ms: number) => ctx.timers.setTimeout(fn, ms), clearTimeout: (h: unknown) => ctx.timers.clear(h as number) };

      const publish = (beep = ""): void => {
        const view = model.view();
        link.show(view);
        const key = `${view.led}|${view.lines.join("|")}|${link.connected}|${problem}`;
        if (key === last && beep === "") return;
        last = key;
        stateOut.push({ ...view, time: Date.now(), connected: link.connected, problem, beep, tipWear: model.tipWear, tipChangeAt: config.tipChangeAt });
        // The console gets a line per state change and beep, and the live runout at most once a second.
        const printKey = `${view.state}|${view.overlay}|${view.led}|${view.lines[0]}|${link.connected}`;
        const now = Date.now();
        if (!printing || (printKey === lastPrinted && beep === "" && now - printedAt < 1000)) return;
        lastPrinted = printKey;
        printedAt = now;
        const note = link.connected ? "" : ` (board not connected${problem ? `: ${problem}` : ""})`;
        out.write(`[panel] ${view.led.padEnd(5)} |${view.lines[0]}|${view.lines[1]}|${beep ? ` beep ${beep}` : ""}${note}\n`);
      };

      const sound = (pattern: string): void => {
        if (pattern) link.beep(pattern);
      };

      // The job-log plugin creates the log; the panel never does (a wrong path must not start a second log).
      let missingReported = false;
      let tipError = "";
      const openLog = (): void => {
        if (log) return;
        if (!existsSync(file)) {
          if (!missingReported) ctx.log.warn({ db: file }, `panel: no job log at ${file} yet: labels and the tip counter wait for it`);
          missingReported = true;
          return;
        }
        log = JobLog.open(file);
      };

      const readTipWear = (): void => {
        try {
          openLog();
          if (!log) return;
          const wear = log.tipWear().value;
          m.tipWear.set(wear);
          if (wear !== model.tipWear) {
            model.setTipWear(wear);
            publish();
          }
          tipError = "";
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          if (text !== tipError) ctx.log.warn({ err }, `panel: cannot read the tip counter from ${file}: ${text}`);
          tipError = text; // once per distinct failure, not every poll
        }
      };

      const flash = (state: StateName, job: number | null = null): void => {
        const beep = model.showFlash(state, { job });
        sound(beep);
        publish(beep);
        if (flashTimer !== null) ctx.timers.clear(flashTimer);
        flashTimer = ctx.timers.setTimeout(() => {
          flashTimer = null;
          model.endFlash();
          publish();
        }, config.flashMs);
      };

      const press = (role: ButtonRole): void => {
        m.presses.inc();
        try {
          openLog();
          if (!log) throw new Error(`there is no job log at ${file}`);
          if (role === "tipsChanged") {
            log.tipsChanged();
            model.setTipWear(0);
            m.tipWear.set(0);
            ctx.log.info("tips changed (panel): tip wear reset");
            flash("tips-reset");
            return;
          }
          const job = model.lastJob;
          if (!job) {
            flash("label-none");
            return;
          }
          const judder = role === "judder";
          log.addLabel({ jobId: job.id, judder, source: "panel" });
          m.labels.inc();
          ctx.log.info({ job: job.id, judder }, `job ${job.ordinal} labelled ${judder ? "judder" : "no judder"} (panel)`);
          flash(judder ? "label-judder" : "label-ok", job.ordinal);
        } catch (err) {
          ctx.log.error({ err, button: role }, `panel: the ${role} press could not be stored: ${err instanceof Error ? err.message : String(err)}`);
        }
      };

      const link = new PanelLink((options.openIO ?? ioFactory)(config), config, timers, {
        onConnected: (attempts) => {
          m.connected.set(1);
          problem = null;
          ctx.log.info({ io: config.io, attempts }, `panel board connected (${config.io})`);
          publish();
        },
        onLost: (reason, retryMs) => {
          m.connected.set(0);
          m.losses.inc();
          problem = reason;
          ctx.log.warn({ io: config.io, reason, retryMs }, `panel board lost: ${reason}; retrying in ${retryMs} ms (the controller keeps running)`);
          publish();
        },
        onPress: press,
      });

      ctx.jobs.on((e) => {
        if (e.type === "job.start") model.jobStarted(Number(e.data.ordinal));
        else if (e.type === "job.phase") model.phase(String(e.data.phase), Number(e.data.pass ?? 0));
        else return;
        publish();
      });

      const revs = ctx.channels.reader(featureRevs, () => {
        const [kind, lro, ok] = [revs.column("kind"), revs.column("lroUm"), revs.column("ok")];
        let latest = Number.NaN;
        for (let i = revs.next(); i >= 0; i = revs.next()) if (kind[i] === StreamKind.REV && ok[i] > 0) latest = lro[i];
        if (Number.isFinite(latest)) {
          model.revolution(latest);
          publish();
        }
      });

      ctx.channels.reader(jobRecordChannel, (reader) => {
        for (let e = reader.shift(); e !== undefined; e = reader.shift()) {
          const beep = model.jobEnded(e.record);
          sound(beep);
          publish(beep);
        }
        // The job-log plugin bumps the counter in the same burst; read it once that has landed.
        ctx.timers.setTimeout(readTipWear, 50);
      });

      return {
        start() {
          readTipWear();
          ctx.timers.setInterval(readTipWear, config.tipPollMs);
          link.start();
          publish();
          ctx.log.info({ io: config.io, db: file, pins: config.pins }, `panel on ${config.io}`);
        },
        stop() {
          link.stop();
          log?.close();
          log = null;
        },
      };
    },
  );
}

export default createPanelPlugin();
