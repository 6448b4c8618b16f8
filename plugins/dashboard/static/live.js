// The live job page: a snapshot on connect, then one message per change over /ws.
"use strict";
EP.nav("/");
const $ = (id) => document.getElementById(id);
let S = null; // the dashboard's LiveState, kept current
let plot = null;
window.__ep = { messages: 0, state: () => S };

function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Before/after runout: the ended job's record when it has come, else the live median so far. */
function runoutFigures() {
  const rec = S.record && S.job && S.record.ordinal === S.job.ordinal && S.record.id === S.job.id ? S.record : null;
  if (rec) return { pre: rec.measured.lroPreUm, post: rec.measured.lroPostUm, source: "record" };
  const ok = S.revs.filter((r) => r.ok === 1 && r.lroUm !== null);
  const pre = median(ok.filter((r) => r.phase === "measure" && r.comp === 1).map((r) => r.lroUm));
  const lastCut = ok.reduce((m, r, i) => (r.phase === "cut" ? i : m), -1);
  const post = lastCut < 0 ? null : median(ok.filter((r, i) => i > lastCut && r.phase === "check").map((r) => r.lroUm));
  return { pre, post, source: "live" };
}

function setBar(bar, mark, value, limit, max) {
  $(bar).style.width = `${Math.min(100, ((value ?? 0) / max) * 100)}%`;
  $(bar).style.background = value !== null && value > limit ? "#e74c3c" : "#5dade2";
  $(mark).style.left = `${(limit / max) * 100}%`;
}

function render() {
  if (!S) return;
  const L = S.limits;
  const j = S.job;
  $("job").textContent = j ? `Job ${j.ordinal}` : "no job yet";
  $("job").title = j ? j.id : "";
  $("phase").textContent = j ? (j.phase === "ended" ? j.status : `${j.phase}${j.phase === "cut" ? ` · pass ${j.pass}` : ""}`) : "idle";
  const last = [...S.revs].reverse().find((r) => r.ok === 1);
  $("rpm").textContent = last && last.rpm !== null ? last.rpm.toFixed(1) : "–";
  $("revcount").textContent = String(S.revs.length);
  $("revcount").dataset.value = String(S.revs.length);
  $("lro-last").textContent = last ? EP.fmtLen(last.lroUm) : "–";
  const f = runoutFigures();
  for (const [id, v] of [["lro-pre", f.pre], ["lro-post", f.post]]) {
    $(id).textContent = `${EP.fmtLen(v)}${f.source === "record" ? "" : " (so far)"}`;
    $(id).dataset.value = v === null ? "" : String(v);
    $(id).dataset.source = f.source;
    $(id).className = v !== null && v > L.lroUm ? "bad" : "";
  }
  $("lro-limit").textContent = EP.fmtLen(L.lroUm);
  const shapes = [];
  if (S.before) shapes.push({ um: S.before.um, color: "#1f5fbf", label: `before ${EP.fmtLen(S.before.lroUm)}` });
  if (S.after) shapes.push({ um: S.after.um, color: "#1e8449", label: `after ${EP.fmtLen(S.after.lroUm)}` });
  if (S.latest && S.latest !== S.before && S.latest !== S.after && j && j.phase === "cut") shapes.push({ um: S.latest.um, color: "#aaa", label: `cutting ${EP.fmtLen(S.latest.lroUm)}` });
  EP.drawPolar($("polar"), shapes, L.lroUm);

  const rec = S.record && j && S.record.id === j.id ? S.record : null;
  const p = rec ? rec.judder.p : null;
  $("judder-p").textContent = p === null ? "decided at the end of the cut" : p.toFixed(2);
  $("judder-p").dataset.value = p === null ? "" : String(p);
  $("judder-flag").textContent = rec && rec.judder.flag !== null ? (rec.judder.flag ? "JUDDER" : "no judder") + ` (${rec.judder.source})` : "";
  $("judder-flag").className = rec && rec.judder.flag ? "bad" : "muted";
  setBar("judder-bar", "judder-mark", p, L.judderP, 1);
  const cq = rec ? rec.cutQuality.lroPostUm : f.post;
  $("cq-lro").textContent = `${EP.fmtLen(cq)} (limit ${EP.fmtLen(L.lroUm)})`;
  $("cq-lro").dataset.value = cq === null ? "" : String(cq);
  setBar("cq-bar", "cq-mark", cq, L.lroUm, L.lroUm * 2);
  $("cq-ra").textContent = rec && rec.cutQuality.raUm !== null ? `${rec.cutQuality.raUm.toFixed(2)} µm` : "no estimate yet";
  $("ra-limit").textContent = `limit ${L.raUm} µm`;
  $("verdict").innerHTML = rec ? `Ended ${EP.esc(rec.status)}. <a href="/jobs/${encodeURIComponent(rec.id)}">job page</a> · <a href="/jobs/${encodeURIComponent(rec.id)}/report">report</a>` : "";

  for (const b of ["vib", "run"]) {
    const h = S.health[b];
    $(`health-${b}`).innerHTML = `<td>${b.toUpperCase()}</td><td class="${h.online ? "ok" : "bad"}">${h.online ? "online" : "offline"}${h.rateHz ? ` · ${h.rateHz} Hz` : ""}</td>` +
      `<td class="n">${h.framesOk}</td><td class="n">${h.dropped}</td><td class="n">${h.lostFrames}</td><td class="n">${h.resets}</td>`;
  }
  const rows = S.revs.slice(-10).reverse();
  $("revs").innerHTML = `<tr><th>#</th><th>phase</th><th class="n">rpm</th><th class="n">runout</th></tr>` +
    rows.map((r) => `<tr class="rev" data-t="${r.t}" data-lro="${r.lroUm ?? ""}"><td>${S.revs.indexOf(r) + 1}</td><td>${r.phase ?? "–"}${r.ok ? "" : " (dropped)"}</td><td class="n">${r.rpm === null ? "–" : r.rpm.toFixed(1)}</td><td class="n">${EP.fmtLen(r.lroUm)}</td></tr>`).join("");
}

function renderSpectrum() {
  const sp = S && S.spectrum;
  if (!sp) return;
  // from bin 1 (DC left out) on a log frequency axis, so the rotation orders (a few Hz) and the
  // chatter band (hundreds of Hz) are both readable
  const xs = sp.amp.slice(1).map((_, k) => (k + 1) * sp.df);
  const data = [xs, sp.amp.slice(1).map((a) => a * 1000)];
  if (!plot) {
    const el = $("spectrum");
    plot = new uPlot({
      width: Math.max(320, el.clientWidth - 10), height: 240,
      scales: { x: { time: false, distr: 3, range: (u, lo, hi) => [Math.max(1, lo), hi] } },
      axes: [{ label: "Hz (log)" }, { label: "mg (peak)" }],
      series: [{ label: "Hz" }, { label: "radial", stroke: "#2874a6", width: 1 }],
      hooks: { draw: [(u) => {
        const g = u.ctx, L = S.limits, top = u.bbox.top, h = u.bbox.height;
        const x0 = u.valToPos(L.chatterHz[0], "x", true), x1 = u.valToPos(L.chatterHz[1], "x", true);
        g.save();
        g.fillStyle = "rgba(231, 76, 60, 0.12)";
        g.fillRect(x0, top, x1 - x0, h);
        g.fillStyle = "#c0392b";
        g.font = `${12 * devicePixelRatio}px system-ui`;
        g.fillText("chatter band", x0 + 4, top + 14 * devicePixelRatio);
        const rpm = S.spectrum && S.spectrum.rpm;
        if (rpm) {
          g.strokeStyle = "#8e44ad";
          g.fillStyle = "#8e44ad";
          for (let k = 1; k <= 8; k++) {
            const x = u.valToPos((k * rpm) / 60, "x", true);
            g.beginPath(); g.moveTo(x, top); g.lineTo(x, top + h); g.stroke();
            g.fillText(`${k}×`, x + 2, top + 28 * devicePixelRatio);
          }
        }
        g.restore();
      }] },
    }, data, el);
  } else plot.setData(data);
}

function apply(m) {
  window.__ep.messages++;
  if (m.type === "snapshot") S = m.state;
  else if (!S) return;
  else if (m.type === "job") {
    if (!S.job || S.job.id !== m.job.id) { S.revs = []; S.before = S.after = S.latest = null; }
    S.job = m.job;
  } else if (m.type === "rev") {
    S.revs.push(m.rev);
    if (m.profile) { S.latest = m.profile; if (m.slot) S[m.slot] = m.profile; }
  } else if (m.type === "spectrum") S.spectrum = m.spectrum;
  else if (m.type === "health") S.health[m.board] = m.health;
  else if (m.type === "record") S.record = m.record;
  if (m.type === "job" && m.job.phase === "cut") S.after = null;
  if (m.type === "snapshot" || m.type === "spectrum") renderSpectrum();
  scheduleRender();
}

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; render(); });
}

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  ws.onopen = () => { $("conn").textContent = "live"; $("conn").className = "ok"; };
  ws.onmessage = (ev) => apply(JSON.parse(ev.data));
  ws.onclose = () => { $("conn").textContent = "disconnected, retrying…"; $("conn").className = "bad"; setTimeout(connect, 1000); };
}
document.addEventListener("ep-units", render);
connect();
