// console: the live progress display. On a terminal one line, rewritten as revolutions go by
// (job, phase, pass, revolution, LRO of the last revolution, LRO before the cut so far), and one
// permanent line per ended job: status, rpm, revolutions per phase, runout before → after, the judder
// estimate and flag, the cut-quality estimate (and its labels in a replay). Not on a terminal: the
// phase changes and the job lines only.
import { definePlugin, z } from "../../src/runtime/index.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { jobRecordChannel, type JobRecord } from "../../src/store/job-record.ts";
import { featureRevs, StreamKind } from "../../src/controller/channels.ts";

export const configSchema = z.object({
  /** "stdout" or "stderr". */
  stream: z.enum(["stdout", "stderr"]).default("stdout"),
  /** Rewrite a progress line per revolution (terminal only). */
  progress: z.boolean().default(true),
  /** At most this many progress redraws per second. */
  redrawHz: z.number().positive().default(10),
});

const PHASES = ["idle", "measure", "cut", "check"];
const um = (v: number | null): string => (v === null ? "–" : `${v.toFixed(1)} µm`);

export function jobLine(r: JobRecord): string {
  const j = r.judder;
  const judder = j.p === null ? "judder –" : `judder p ${j.p.toFixed(2)} ${j.flag ? "YES" : "no"} (${j.source})`;
  const cq = r.cutQuality;
  const cut = `cut est. LRO ${um(cq.lroPostUm)} Ra ${cq.raUm === null ? "–" : `${cq.raUm.toFixed(2)} µm`} (${cq.source})`;
  const rv = r.revolutions;
  const lab = r.labels
    ? `  labels: judder ${r.labels.judder === null ? "–" : r.labels.judder ? "yes" : "no"}, DTV ${um(r.labels.dtvUm)}, Ra ${um(r.labels.raUm)}`
    : "";
  return (
    `job ${r.ordinal} ${r.status === "complete" ? "complete   " : "INTERRUPTED"}  ` +
    `${r.measured.rpm === null ? "–" : r.measured.rpm.toFixed(1)} rpm  revs ${rv.measure}/${rv.cut}/${rv.check} passes ${r.passes}  ` +
    `LRO ${um(r.measured.lroPreUm)} → ${um(r.measured.lroPostUm)}  ${judder}  ${cut}` +
    (r.reason ? `  (${r.reason})` : "") + lab
  );
}

export default definePlugin(
  {
    name: "console",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [jobRecordChannel, featureRevs],
    description: "live progress display of jobs and their results",
  },
  (ctx, config) => {
    const out = config.stream === "stdout" ? process.stdout : process.stderr;
    const tty = out.isTTY === true && config.progress;
    let progressShown = false;
    let lastDraw = 0;
    const p = { ordinal: 0, phase: 0, pass: 0, revs: 0, lro: Number.NaN, preN: 0, preSum: 0 };
    const write = (line: string): void => {
      out.write(`${progressShown ? "\r\x1b[K" : ""}${line}\n`);
      progressShown = false;
    };
    const draw = (): void => {
      const now = performance.now();
      if (!tty || now - lastDraw < 1000 / config.redrawHz) return;
      lastDraw = now;
      const pre = p.preN > 0 ? `  LRO before (mean so far) ${(p.preSum / p.preN).toFixed(1)} µm` : "";
      const lro = Number.isFinite(p.lro) ? `${p.lro.toFixed(1)} µm` : "–";
      out.write(`\r\x1b[Kjob ${p.ordinal} ${PHASES[p.phase] ?? "?"}${p.phase === LatheState.CUT ? ` pass ${p.pass}` : ""}  rev ${p.revs}  LRO ${lro}${pre}`);
      progressShown = true;
    };
    ctx.jobs.on((e) => {
      if (e.type === "job.start") {
        Object.assign(p, { ordinal: e.data.ordinal as number, phase: 1, pass: 0, revs: 0, lro: Number.NaN, preN: 0, preSum: 0 });
        if (!tty) write(`job ${p.ordinal} started: measure`);
      } else if (e.type === "job.phase") {
        p.phase = PHASES.indexOf(e.data.phase as string);
        p.pass = e.data.pass as number;
        if (!tty) write(`job ${e.data.ordinal}: ${e.data.phase}${p.phase === LatheState.CUT ? ` (pass ${p.pass})` : ""}`);
      }
      draw();
    });
    const fr = ctx.channels.reader(featureRevs, () => {
      for (let i = fr.next(); i >= 0; i = fr.next()) {
        if (c.kind[i] !== StreamKind.REV || c.ok[i] !== 1) continue;
        p.revs++;
        p.lro = c.lroUm[i];
        if (c.phase[i] === LatheState.MEASURE && c.comp[i] === 1) {
          p.preN++;
          p.preSum += c.lroUm[i];
        }
      }
      draw();
    });
    const c = { kind: fr.column("kind"), ok: fr.column("ok"), lroUm: fr.column("lroUm"), phase: fr.column("phase"), comp: fr.column("comp") };
    const rr = ctx.channels.reader(jobRecordChannel, () => {
      for (let e = rr.shift(); e !== undefined; e = rr.shift()) write(jobLine(e.record));
    });
    return {
      stop() {
        if (progressShown) out.write("\n");
      },
    };
  },
);
