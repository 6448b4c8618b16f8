// The evaluation's outputs: a JSON summary, a Markdown report and a hand-written SVG plot of the
// running metrics over jobs (judder AUC of the network and of the rule, and the residual-runout and
// Ra MAE, each over a trailing window of labelled jobs).
import { auc, mae } from "./metrics.ts";
import type { EvalResult, JobEval } from "./evaluate.ts";

export interface RunningPoint {
  ordinal: number;
  aucModel: number;
  aucRule: number;
  maeResidual: number;
  maeRa: number;
}

/** Running metrics after each job over the last `window` jobs (NaN while a window lacks both classes). */
export function runningMetrics(jobs: readonly JobEval[], window = 100): RunningPoint[] {
  const out: RunningPoint[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const w = jobs.slice(Math.max(0, i + 1 - window), i + 1);
    const y = w.map((j) => j.judder);
    out.push({
      ordinal: jobs[i].ordinal,
      aucModel: auc(w.map((j) => j.pModel), y),
      aucRule: auc(w.map((j) => j.lroPre), y),
      maeResidual: mae(w.map((j) => j.residualModel), w.map((j) => j.residual)).mae,
      maeRa: mae(w.map((j) => j.raModel), w.map((j) => j.ra)).mae,
    });
  }
  return out;
}

const r3 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/** What `--json` prints: the figures, without the per-job rows. */
export function summaryJson(name: string, r: EvalResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const fig = (f: EvalResult["judder"]["model"] | null) => (f ? { auc: r3(f.auc), f1: r3(f.f1), accuracy: r3(f.accuracy), precision: r3(f.precision), recall: r3(f.recall), n: f.n } : null);
  return {
    name,
    jobs: r.jobs.length,
    labelled: r.labelled,
    judder: { model: fig(r.judder.model), controller: fig(r.judder.controller), rule: fig(r.judder.rule), rms: fig(r.judder.rms), hindsight: fig(r.judder.hindsight) },
    residualRunoutMaeUm: { model: r3(r.residual.model), controller: r3(r.residual.controller), rule: r3(r.residual.rule), hindsight: r3(r.residual.hindsight), n: r.residual.n },
    raMaeUm: { model: r3(r.ra.model), runningMean: r3(r.ra.mean), hindsight: r3(r.ra.hindsight), n: r.ra.n },
    rollbacks: r.rollbacks.map((b) => ({ kind: b.kind, from: b.from, to: b.to, dropped: b.dropped })),
    ...extra,
  };
}

const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));

export function markdownReport(name: string, r: EvalResult, svgFile: string, command: string, extra: string[] = []): string {
  const j = r.judder;
  const row = (label: string, x: EvalResult["judder"]["model"] | null) =>
    x ? `| ${label} | ${f(x.auc)} | ${f(x.f1)} | ${f(x.accuracy)} | ${f(x.precision)} | ${f(x.recall)} | ${x.n} |` : `| ${label} | – | – | – | – | – | – |`;
  return [
    `# edgeprop eval: ${name}`,
    "",
    `Command: \`${command}\``,
    "",
    `${r.jobs.length} jobs with estimates; labelled: judder ${r.labelled.judder}, residual runout ${r.labelled.residual}, Ra ${r.labelled.ra}.`,
    "Prequential = test, then train: every estimate was made before its job's labels were learned.",
    "",
    "## Judder",
    "",
    "| estimator | AUC | F1 | accuracy | precision | recall | n |",
    "|---|---|---|---|---|---|---|",
    row("network, prequential (from job 1)", j.model),
    row("controller output (rule until the network is ready)", j.controller),
    row("(a) rule: LRO before the cut ≥ 50 µm (AUC on LRO)", j.rule),
    row("(b) cut vibration RMS ≥ threshold fitted on earlier jobs", j.rms),
    row("(c) same network offline in hindsight, k-fold, held-out only", j.hindsight),
    "",
    "## Cut quality (MAE, µm)",
    "",
    "| estimate | network, prequential | baseline | hindsight k-fold | n |",
    "|---|---|---|---|---|",
    `| residual runout | ${f(r.residual.model)} (controller output, network only while its running error beats the rule: ${f(r.residual.controller)}) | ${f(r.residual.rule)} (rule: last cut revolutions) | ${f(r.residual.hindsight)} | ${r.residual.n} |`,
    `| Ra | ${f(r.ra.model)} | ${f(r.ra.mean)} (running mean of earlier labels) | ${f(r.ra.hindsight)} | ${r.ra.n} |`,
    "",
    `Rollbacks: ${r.rollbacks.length === 0 ? "none" : r.rollbacks.map((b) => `${b.kind} v${b.from}→v${b.to} (${b.dropped} labels dropped)`).join("; ")}.`,
    ...extra,
    "",
    "## Running metrics",
    "",
    `![running metrics](${svgFile})`,
    "",
    "Judder AUC of the network and of the rule, and residual-runout / Ra MAE of the network, each over the last 100 jobs.",
    "",
  ].join("\n");
}

/** A plain SVG line chart: AUC (left axis 0.5–1) and MAE (right axis, µm; residual ÷ 10 so both fit). */
export function runningSvg(points: readonly RunningPoint[], title: string): string {
  const W = 760, H = 340, L = 56, R = 60, T = 36, B = 40;
  const n = points.length;
  const maxOrd = n > 0 ? points[n - 1].ordinal : 1;
  const x = (o: number) => L + ((W - L - R) * (o - 1)) / Math.max(1, maxOrd - 1);
  const yAuc = (v: number) => T + (H - T - B) * (1 - (v - 0.5) / 0.5);
  const maeMax = Math.max(0.1, ...points.map((p) => (Number.isFinite(p.maeRa) ? p.maeRa : 0)), ...points.map((p) => (Number.isFinite(p.maeResidual) ? p.maeResidual / 10 : 0)));
  const yMae = (v: number) => T + (H - T - B) * (1 - v / maeMax);
  const line = (get: (p: RunningPoint) => number, y: (v: number) => number, color: string, dash = "") => {
    let d = "";
    let pen = false;
    for (const p of points) {
      const v = get(p);
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const clamped = y === yAuc ? Math.max(0.5, Math.min(1, v)) : v;
      d += `${pen ? "L" : "M"}${x(p.ordinal).toFixed(1)},${y(clamped).toFixed(1)}`;
      pen = true;
    }
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
  };
  const ticks: string[] = [];
  for (let v = 0.5; v <= 1.0001; v += 0.1) ticks.push(`<line x1="${L}" x2="${W - R}" y1="${yAuc(v).toFixed(1)}" y2="${yAuc(v).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(yAuc(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (maeMax * k) / 4;
    ticks.push(`<text x="${W - R + 6}" y="${(yMae(v) + 4).toFixed(1)}">${v.toFixed(2)}</text>`);
  }
  const step = Math.max(1, Math.round(maxOrd / 6 / 50) * 50);
  for (let o = step; o <= maxOrd; o += step) ticks.push(`<text x="${x(o).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${o}</text>`);
  const legend = [
    ["#1f77b4", "", "judder AUC, network"],
    ["#7f7f7f", "5,3", "judder AUC, rule (LRO)"],
    ["#d62728", "", "Ra MAE µm (right)"],
    ["#2ca02c", "", "residual runout MAE ÷ 10 µm (right)"],
  ].map(([c, d, t], i) => `<line x1="${L + 10 + i * 170}" x2="${L + 34 + i * 170}" y1="${T - 14}" y2="${T - 14}" stroke="${c}" stroke-width="2"${d ? ` stroke-dasharray="${d}"` : ""}/><text x="${L + 38 + i * 170}" y="${T - 10}">${t}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="14" font-size="12">${escapeXml(title)}</text>`,
    ...ticks,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`,
    `<text x="${(W / 2).toFixed(0)}" y="${H - 6}" text-anchor="middle">job</text>`,
    line((p) => p.aucRule, yAuc, "#7f7f7f", "5,3"),
    line((p) => p.aucModel, yAuc, "#1f77b4"),
    line((p) => p.maeRa, yMae, "#d62728"),
    line((p) => p.maeResidual / 10, yMae, "#2ca02c"),
    ...legend,
    `</svg>`,
    "",
  ].join("\n");
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
