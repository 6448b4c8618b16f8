// Shared by the pages: units, formatting, the nav bar, JSON fetch, the polar runout plot (canvas).
"use strict";
const EP = {
  units: localStorage.getItem("ep-units") || document.documentElement.dataset.units || "um",
  fmtLen(um, digits) {
    if (um === null || um === undefined || !Number.isFinite(um)) return "–";
    return EP.units === "thou" ? `${(um / 25.4).toFixed(2)} thou` : `${um.toFixed(digits ?? 1)} µm`;
  },
  setUnits(u) {
    EP.units = u;
    localStorage.setItem("ep-units", u);
    document.dispatchEvent(new CustomEvent("ep-units"));
  },
  async json(url, opts) {
    const r = await fetch(url, opts);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`);
    return body;
  },
  esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  },
  nav(active) {
    const links = [["/", "Live job"], ["/jobs", "Job history"], ["/models", "Models"]];
    const el = document.getElementById("nav");
    el.innerHTML = `<b>edgeprop</b>` + links.map(([h, t]) => `<a href="${h}" class="${h === active ? "on" : ""}">${t}</a>`).join("") +
      `<span class="sp"></span><label>units <select id="units"><option value="um">µm</option><option value="thou">thou (0.001 in)</option></select></label>`;
    const sel = document.getElementById("units");
    sel.value = EP.units;
    sel.onchange = () => EP.setUnits(sel.value);
  },
  /** Runout shapes on a canvas: base circle + deviation × scale; dashed: ± half the limit. */
  drawPolar(canvas, shapes, limitUm) {
    const dpr = window.devicePixelRatio || 1;
    const size = canvas.clientWidth || 260;
    canvas.width = size * dpr;
    canvas.height = size * dpr;
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, size, size);
    const c = size / 2, base = c * 0.55;
    let maxDev = limitUm / 2;
    for (const s of shapes) for (const v of s.um) if (v !== null) maxDev = Math.max(maxDev, Math.abs(v));
    const k = (c * 0.38) / maxDev;
    g.lineWidth = 1;
    g.strokeStyle = "#999";
    g.beginPath(); g.arc(c, c, base, 0, 2 * Math.PI); g.stroke();
    g.strokeStyle = "#c0392b";
    g.setLineDash([5, 4]);
    for (const r of [base - (k * limitUm) / 2, base + (k * limitUm) / 2]) { g.beginPath(); g.arc(c, c, r, 0, 2 * Math.PI); g.stroke(); }
    g.setLineDash([]);
    g.strokeStyle = "#555";
    g.beginPath(); g.moveTo(c, c - base - 8); g.lineTo(c, c - base + 8); g.stroke();
    for (const s of shapes) {
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.beginPath();
      let first = true;
      s.um.forEach((v, i) => {
        if (v === null) return;
        const a = ((i + 0.5) / s.um.length) * 2 * Math.PI - Math.PI / 2;
        const x = c + (base + v * k) * Math.cos(a), y = c + (base + v * k) * Math.sin(a);
        if (first) { g.moveTo(x, y); first = false; } else g.lineTo(x, y);
      });
      g.closePath();
      g.stroke();
    }
    g.font = "12px system-ui";
    g.fillStyle = "#c0392b";
    g.fillText(`limit ${EP.fmtLen(limitUm)} TIR`, 4, size - 6);
    shapes.forEach((s, i) => { g.fillStyle = s.color; g.fillText(s.label, 4, 14 + i * 15); });
  },
};
