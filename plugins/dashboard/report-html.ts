// The printable job report: one A4 page a shop can attach to a repair order. Self-contained HTML
// (inline CSS and SVG), so it prints the same from a browser or from headless Chromium.
import type { StoredJob } from "../../src/store/index.ts";
import type { Limits } from "./config.ts";
import { polarSvg } from "./polar-svg.ts";
import type { JobProfiles } from "./profiles.ts";
import type { Verdict } from "./verdict.ts";

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number | null | undefined, digits = 1, unit = " µm"): string => (v === null || v === undefined ? "not measured" : `${v.toFixed(digits)}${unit}`);
const thou = (v: number | null | undefined): string => (v === null || v === undefined ? "" : ` (${(v / 25.4).toFixed(2)} thou)`);

export function reportHtml(job: StoredJob, v: Verdict, limits: Limits, profiles: JobProfiles | null, printedAt: Date): string {
  const shapes = [];
  if (profiles?.before) shapes.push({ um: profiles.before.um, color: "#1f5fbf", label: `before ${num(profiles.before.lroUm)}` });
  if (profiles?.after) shapes.push({ um: profiles.after.um, color: "#1e8449", label: `after ${num(profiles.after.lroUm)}` });
  const polar = shapes.length ? polarSvg(shapes, limits.lroUm, 260) : `<p class="muted">Runout shape not recorded for this job (the dashboard did not see it live).</p>`;
  const meta = job.meta ?? { repairOrder: null, vehicle: null, wheel: null, technician: null };
  const rows = v.checks
    .map((c) => `<tr><td>${esc(c.name)}</td><td class="n">${num(c.value, c.name.startsWith("finish") ? 2 : 1)}${c.name.startsWith("finish") ? "" : thou(c.value)}</td><td class="n">≤ ${c.limit} µm</td><td class="${c.pass === null ? "muted" : c.pass ? "ok" : "bad"}">${c.pass === null ? "—" : c.pass ? "within" : "OVER"}</td></tr>`)
    .join("");
  const model = job.judder.modelVersion ?? job.cutQuality.modelVersion;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Job report ${esc(job.id)}</title>
<style>
 @page { size: A4; margin: 14mm; }
 body { font: 13px/1.4 system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 180mm; }
 h1 { font-size: 20px; margin: 0 0 4px; } .muted { color: #777; } table { border-collapse: collapse; width: 100%; margin: 8px 0; }
 td, th { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; } .n { text-align: right; font-variant-numeric: tabular-nums; }
 .ok { color: #1e8449; font-weight: 600; } .bad { color: #c0392b; font-weight: 700; }
 .verdict { font-size: 22px; font-weight: 700; padding: 6px 10px; display: inline-block; border: 2px solid; border-radius: 6px; }
 .grid { display: flex; gap: 16px; align-items: flex-start; } .grid > div { flex: 1; }
</style></head><body>
<h1>Brake disc resurfacing report</h1>
<div class="muted">edgeprop on-car lathe · printed ${esc(printedAt.toISOString().slice(0, 16).replace("T", " "))} UTC</div>
<table>
 <tr><th>Job</th><td id="r-job">${esc(job.id)} (no. ${job.ordinal ?? "–"})</td><th>Started</th><td>${esc(job.startedAt ?? "–")}</td></tr>
 <tr><th>Repair order</th><td id="r-ro">${esc(meta.repairOrder ?? "–")}</td><th>Vehicle / wheel</th><td>${esc(meta.vehicle ?? "–")} ${esc(meta.wheel ?? "")}</td></tr>
 <tr><th>Technician</th><td>${esc(meta.technician ?? "–")}</td><th>Status</th><td>${esc(job.status)}${job.reason ? ` (${esc(job.reason)})` : ""}</td></tr>
</table>
<div class="grid"><div>
<h2>Runout (TIR)</h2>
<table>
 <tr><td>before the cut</td><td class="n" id="r-pre">${num(job.measured.lroPreUm)}${thou(job.measured.lroPreUm)}</td></tr>
 <tr><td>after the cut</td><td class="n" id="r-post">${num(job.measured.lroPostUm)}${thou(job.measured.lroPostUm)}</td></tr>
 <tr><td>limit</td><td class="n">${limits.lroUm} µm${thou(limits.lroUm)}</td></tr>
 <tr><td>spindle speed</td><td class="n">${num(job.measured.rpm, 1, " rpm")}</td></tr>
 <tr><td>revolutions measure / cut / check</td><td class="n">${job.revolutions.measure} / ${job.revolutions.cut} / ${job.revolutions.check}, ${job.passes} pass(es)</td></tr>
</table></div><div>${polar}</div></div>
<h2>Checks against the limits</h2>
<table><tr><th>check</th><th class="n">value</th><th class="n">limit</th><th></th></tr>${rows}</table>
<p>Judder before the cut: p = ${job.judder.p === null ? "–" : job.judder.p.toFixed(2)} (${job.judder.flag === null ? "not decided" : job.judder.flag ? "judder likely" : "no judder expected"}, flag at ≥ ${limits.judderP}; ${esc(job.judder.source)}).
 Model version: <span id="r-model">${esc(model ?? "none (rules)")}</span>.</p>
<p>Verdict: <span id="r-verdict" class="verdict ${v.result === "pass" ? "ok" : "bad"}">${v.result.toUpperCase()}</span>
 ${v.reasons.length ? `<span class="muted">${v.reasons.map(esc).join("; ")}</span>` : ""}</p>
<p class="muted">Runout is the peak-to-peak of the fitted face profile per revolution (median over the revolutions named); thickness variation and finish are judged only when measured.</p>
</body></html>`;
}
