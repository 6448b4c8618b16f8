// Models: versions per kind with their running (prequential) metrics; promote / roll back through
// the registry in the job log.
"use strict";
EP.nav("/models");
const $ = (x) => document.getElementById(x);
const fmt = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : EP.esc(JSON.stringify(v)));

async function load() {
  const { models, history } = await EP.json("/api/models");
  const kinds = [...new Set(models.map((m) => m.kind))];
  $("models").innerHTML = kinds.length === 0 ? `<p class="muted">no models registered yet (the rules decide until a learner registers one)</p>` :
    kinds.map((k) => `<h3>${EP.esc(k)} <button data-rollback="${EP.esc(k)}">Roll back</button></h3><table><tr><th>version</th><th>created</th><th>parent</th><th>metrics</th><th></th></tr>` +
      models.filter((m) => m.kind === k).reverse().map((m) => `<tr class="model" data-version="${EP.esc(m.version)}"><td>${m.active ? "<b class=ok>● </b>" : ""}${EP.esc(m.version)}</td>` +
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
load().catch((err) => { $("models").textContent = err.message; });
