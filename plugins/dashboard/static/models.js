// Models: the running learners' live status (prequential scores of the estimates they issued, over
// their newest labels; current version; rule or model), then the registry's versions per kind with
// the scores stored when each was made; promote / roll back through the registry in the job log.
"use strict";
EP.nav("/models");
const $ = (x) => document.getElementById(x);
const fmt = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : EP.esc(JSON.stringify(v)));
let learners = {}; // kind → LearnerStatus, from the WebSocket
window.__ep = { learners: () => learners };

const SCORES = { judder: [["auc", "AUC"], ["f1", "F1"], ["accuracy", "accuracy"]], other: [["mae", "MAE µm"]] };

function cell(k, v, digits, shown) {
  const text = shown ?? (v === null || v === undefined ? "–" : typeof v === "number" ? v.toFixed(digits) : EP.esc(v));
  return `<td data-k="${k}" data-value="${v === null || v === undefined ? "" : EP.esc(v)}">${text}</td>`;
}

function renderLearners() {
  const all = Object.values(learners).sort((a, b) => a.kind.localeCompare(b.kind));
  if (all.length === 0) {
    $("learners").innerHTML = `<p class="muted">no learner reports in this controller (rule plugins, or the dashboard without learners)</p>`;
    $("acts-on").textContent = "Promote and Roll back change the registry's active version; a learner takes it up when it next starts.";
    return;
  }
  $("learners").innerHTML = `<table><tr><th>kind</th><th>version</th><th>estimates from</th><th>learned (all time)</th><th>labels this run</th><th>scored</th><th>AUC</th><th>F1</th><th>accuracy</th><th>MAE µm</th><th>rollbacks</th><th>updated</th></tr>` +
    all.map((s) => `<tr class="learner" data-kind="${EP.esc(s.kind)}"><td>${EP.esc(s.kind)}</td>${cell("version", s.version)}${cell("source", s.source, 0, s.kind === "ra" && s.source === "rule" ? "none yet (no Ra rule)" : undefined)}${cell("learned", s.labels, 0)}` +
      `${cell("labels", s.scores.labels, 0)}${cell("n", s.scores.n, 0)}${cell("auc", s.scores.auc, 3)}${cell("f1", s.scores.f1, 3)}${cell("accuracy", s.scores.accuracy, 3)}` +
      `${cell("mae", s.scores.mae, 2)}${cell("rollbacks", s.rollbacks, 0)}<td>${new Date(s.time).toLocaleTimeString()} (${EP.esc(s.cause)})</td></tr>`).join("") + "</table>";
  const registry = all.some((s) => s.registry);
  $("acts-on").textContent = registry
    ? "Promote and Roll back change the registry's active version; the running learner takes it up within a second and learns on from it (its version above changes)."
    : "These learners keep no registry (no job-log variant): Promote and Roll back change the registry only, for a learner that uses it at its next start.";
}

async function load() {
  const { models, history } = await EP.json("/api/models");
  const kinds = [...new Set(models.map((m) => m.kind))];
  $("models").innerHTML = kinds.length === 0 ? `<p class="muted">no models registered yet (the rules decide until a learner registers one)</p>` :
    kinds.map((k) => `<h3>${EP.esc(k)} <button data-rollback="${EP.esc(k)}">Roll back</button></h3><table><tr><th>version</th><th>created</th><th>parent</th><th>metrics</th><th></th></tr>` +
      models.filter((m) => m.kind === k).reverse().slice(0, 50).map((m) => `<tr class="model" data-version="${EP.esc(m.version)}"><td>${m.active ? "<b class=ok>● </b>" : ""}${EP.esc(m.version)}</td>` +
        `<td>${new Date(m.created).toLocaleString()}</td><td>${EP.esc(m.parent ?? "–")}</td>` +
        `<td>${Object.entries(m.metrics).map(([n, v]) => `${EP.esc(n)} ${fmt(v)}`).join(" · ")}</td>` +
        `<td class="state">${m.active ? "active" : `<button data-promote="${EP.esc(m.version)}">Promote</button>`}</td></tr>`).join("") + "</table>").join("");
  $("history").innerHTML = `<tr><th>when</th><th>event</th><th>version</th><th>reason</th></tr>` +
    history.slice(-30).reverse().map((h) => `<tr><td>${new Date(h.time).toLocaleString()}</td><td>${EP.esc(h.type)}</td><td>${EP.esc(h.version)}</td><td>${EP.esc(h.reason ?? "")}</td></tr>`).join("");
}

$("models").onclick = async (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  let message;
  try {
    const r = b.dataset.promote
      ? await EP.json(`/api/models/${encodeURIComponent(b.dataset.promote)}/promote`, { method: "POST" })
      : await EP.json("/api/models/rollback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: b.dataset.rollback }) });
    message = `${r.model.kind}: ${r.model.version} is now active`;
  } catch (err) {
    message = err.message;
  }
  await load();
  $("model-result").textContent = message; // after the table shows it
};

// A learner's new version or rollback changes the registry too: reload it (at most every 2 s).
let reloadTimer = null;
function reloadSoon() {
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => { reloadTimer = null; load().catch(() => undefined); }, 2000);
}

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  ws.onopen = () => { $("conn").textContent = "live"; $("conn").className = "ok"; };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.type === "snapshot") learners = { ...m.state.learners };
    else if (m.type === "learner") {
      learners[m.status.kind] = m.status;
      if (m.status.cause !== "start") reloadSoon();
    } else return;
    renderLearners();
  };
  ws.onclose = () => { $("conn").textContent = "disconnected, retrying…"; $("conn").className = "bad"; setTimeout(connect, 1000); };
}
connect();
load().catch((err) => { $("models").textContent = err.message; });
