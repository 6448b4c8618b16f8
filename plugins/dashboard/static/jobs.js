// Job history: filters, newest first; each row opens the job page (plots, label form, report).
"use strict";
EP.nav("/jobs");
const form = document.getElementById("filters");
const params = new URLSearchParams(location.search);
for (const el of form.elements) if (el.name && params.has(el.name)) el.value = params.get(el.name);

async function load() {
  const q = new URLSearchParams();
  for (const el of form.elements) if (el.name && el.value) q.set(el.name, el.value);
  history.replaceState(null, "", `/jobs${q.size ? `?${q}` : ""}`);
  const { jobs } = await EP.json(`/api/jobs?${q}`);
  const t = document.getElementById("jobs");
  t.innerHTML = `<tr><th>job</th><th>when</th><th>status</th><th class="n">before</th><th class="n">after</th><th class="n">p(judder)</th><th>labels</th><th>verdict</th><th></th></tr>` +
    (jobs.length ? "" : `<tr><td colspan="9" class="muted">no jobs match</td></tr>`) +
    jobs.map((j) => {
      const l = j.labels;
      const lab = l ? [l.judder === null ? null : `judder ${l.judder ? "yes" : "no"}`, l.dtvUm === null ? null : `DTV ${l.dtvUm} µm`, l.raUm === null ? null : `Ra ${l.raUm} µm`].filter(Boolean).join(", ") : "–";
      const href = `/jobs/${encodeURIComponent(j.id)}`;
      return `<tr class="job" data-id="${EP.esc(j.id)}"><td><a href="${href}">${j.ordinal ?? "–"}</a> <span class="muted">${EP.esc(j.meta?.repairOrder ?? "")}</span></td>` +
        `<td>${new Date(j.loggedAt).toLocaleString()}</td><td>${EP.esc(j.status)}</td>` +
        `<td class="n">${EP.fmtLen(j.measured.lroPreUm)}</td><td class="n">${EP.fmtLen(j.measured.lroPostUm)}</td>` +
        `<td class="n ${j.judder.flag ? "bad" : ""}">${j.judder.p === null ? "–" : j.judder.p.toFixed(2)}</td><td>${EP.esc(lab)}</td>` +
        `<td class="${j.verdict.result === "pass" ? "ok" : "bad"}">${j.verdict.result}</td><td><a href="${href}/report">report</a></td></tr>`;
    }).join("");
}
function show(err) {
  document.getElementById("jobs").innerHTML = `<tr><td class="muted" id="jobs-error">${EP.esc(err.message)}</td></tr>`;
}
form.onsubmit = (e) => { e.preventDefault(); load().catch(show); };
document.addEventListener("ep-units", () => load().catch(show));
load().catch(show);
