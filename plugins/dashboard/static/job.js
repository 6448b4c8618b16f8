// One job: summary and verdict, runout shapes (when the dashboard saw the job live), runout per
// revolution, the label form (POST /api/jobs/:id/labels: the job log's addLabel, source dashboard).
"use strict";
EP.nav("/jobs");
const id = decodeURIComponent(location.pathname.split("/")[2]);
const $ = (x) => document.getElementById(x);
let D = null;
let plot = null;

function render() {
  const j = D.job, v = D.verdict, L = D.limits;
  const lab = j.labels;
  $("summary").innerHTML = `<div class="big">Job ${j.ordinal ?? "–"}</div><div class="muted">${EP.esc(j.id)}</div><div class="kv">` +
    `<span>status</span><b>${EP.esc(j.status)}${j.reason ? ` (${EP.esc(j.reason)})` : ""}</b>` +
    `<span>rpm</span><b>${j.measured.rpm === null ? "–" : j.measured.rpm.toFixed(1)}</b>` +
    `<span>runout before</span><b id="job-pre" data-value="${j.measured.lroPreUm ?? ""}">${EP.fmtLen(j.measured.lroPreUm)}</b>` +
    `<span>runout after</span><b id="job-post" data-value="${j.measured.lroPostUm ?? ""}">${EP.fmtLen(j.measured.lroPostUm)}</b>` +
    `<span>limit</span><b>${EP.fmtLen(L.lroUm)}</b>` +
    `<span>p(judder)</span><b>${j.judder.p === null ? "–" : j.judder.p.toFixed(2)} ${j.judder.flag ? "(JUDDER)" : ""}</b>` +
    `<span>labels</span><b id="job-labels">${lab ? `judder ${lab.judder === null ? "–" : lab.judder ? "yes" : "no"}, DTV ${EP.fmtLen(lab.dtvUm)}, Ra ${lab.raUm ?? "–"} µm` : "none"}</b>` +
    `<span>verdict</span><b class="${v.result === "pass" ? "ok" : "bad"}">${v.result}</b></div>` +
    `<p><a href="/jobs/${encodeURIComponent(j.id)}/report">printable report</a> · <a href="/jobs/${encodeURIComponent(j.id)}/report.pdf">PDF</a></p>`;
  const shapes = [];
  if (D.profiles?.before) shapes.push({ um: D.profiles.before.um, color: "#1f5fbf", label: `before ${EP.fmtLen(D.profiles.before.lroUm)}` });
  if (D.profiles?.after) shapes.push({ um: D.profiles.after.um, color: "#1e8449", label: `after ${EP.fmtLen(D.profiles.after.lroUm)}` });
  if (shapes.length) EP.drawPolar($("polar"), shapes, L.lroUm);
  else { $("polar").style.display = "none"; $("nopolar").textContent = "runout shape not recorded (the dashboard did not see this job live)"; }
  const revs = D.revolutions.filter((r) => r.lroUm !== null);
  const k = EP.units === "thou" ? 1 / 25.4 : 1;
  const data = [revs.map((_, i) => i + 1), revs.map((r) => r.lroUm * k), revs.map(() => L.lroUm * k)];
  if (plot) plot.destroy();
  plot = new uPlot({ width: Math.max(320, $("revplot").clientWidth - 10), height: 220, scales: { x: { time: false } },
    axes: [{ label: "revolution" }, { label: EP.units === "thou" ? "thou" : "µm" }],
    series: [{ label: "rev" }, { label: "runout", stroke: "#2874a6", width: 2, points: { show: true } }, { label: "limit", stroke: "#c0392b", dash: [6, 4], points: { show: false } }] }, data, $("revplot"));
  $("labels").innerHTML = "";
  const m = j.meta || {};
  for (const k of ["repairOrder", "vehicle", "wheel", "technician"]) $("meta").elements[k].value = m[k] ?? "";
}

async function load() {
  D = await EP.json(`/api/jobs/${encodeURIComponent(id)}`);
  render();
}

$("label").onsubmit = async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = { judder: f.get("judder") || null, dtvUm: f.get("dtvUm") || null, raUm: f.get("raUm") || null, who: f.get("who") || null };
  try {
    const r = await EP.json(`/api/jobs/${encodeURIComponent(id)}/labels`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    $("label-result").textContent = `label #${r.id} saved`;
    $("label-result").className = "ok";
    await load();
  } catch (err) {
    $("label-result").textContent = err.message;
    $("label-result").className = "bad";
  }
};
$("meta").onsubmit = async (e) => {
  e.preventDefault();
  const body = Object.fromEntries(new FormData(e.target));
  try {
    await EP.json(`/api/jobs/${encodeURIComponent(id)}/meta`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    $("meta-result").textContent = "saved: on the report";
    $("meta-result").className = "ok";
    await load();
  } catch (err) {
    $("meta-result").textContent = err.message;
    $("meta-result").className = "bad";
  }
};
document.addEventListener("ep-units", render);
load().catch((err) => { $("summary").textContent = err.message; });
