// A runout shape as a polar plot in SVG (the printed report; the pages draw the same with
// static/polar.js). Radius = base circle + deviation × scale; the dashed circles are ± half the
// limit, i.e. where a shape with exactly the limit's peak-to-peak would touch if centred.
export interface PolarShape {
  um: (number | null)[];
  color: string;
  label: string;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function polarSvg(shapes: PolarShape[], limitUm: number, size = 260, unit: "um" | "thou" = "um"): string {
  const c = size / 2;
  const base = c * 0.55;
  let maxDev = limitUm / 2;
  for (const s of shapes) for (const v of s.um) if (v !== null) maxDev = Math.max(maxDev, Math.abs(v));
  const k = (c * 0.38) / maxDev;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img">`);
  parts.push(`<circle cx="${c}" cy="${c}" r="${base}" fill="none" stroke="#999" stroke-width="1"/>`);
  for (const r of [base - (k * limitUm) / 2, base + (k * limitUm) / 2]) {
    parts.push(`<circle cx="${c}" cy="${c}" r="${r.toFixed(1)}" fill="none" stroke="#c0392b" stroke-width="1.2" stroke-dasharray="5 4"/>`);
  }
  parts.push(`<line x1="${c}" y1="${c - base - 8}" x2="${c}" y2="${c - base + 8}" stroke="#555"/>`);
  for (const s of shapes) {
    const n = s.um.length;
    const pts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = s.um[i];
      if (v === null) continue;
      const a = ((i + 0.5) / n) * 2 * Math.PI - Math.PI / 2;
      const r = base + v * k;
      pts.push(`${(c + r * Math.cos(a)).toFixed(1)},${(c + r * Math.sin(a)).toFixed(1)}`);
    }
    if (pts.length > 2) parts.push(`<polygon points="${pts.join(" ")}" fill="none" stroke="${esc(s.color)}" stroke-width="2"/>`);
  }
  const lim = unit === "thou" ? `${(limitUm / 25.4).toFixed(2)} thou` : `${limitUm} µm`;
  parts.push(`<text x="4" y="${size - 6}" font-size="11" fill="#c0392b">limit ${esc(lim)} TIR</text>`);
  shapes.forEach((s, i) => parts.push(`<text x="4" y="${14 + i * 14}" font-size="11" fill="${esc(s.color)}">${esc(s.label)}</text>`));
  parts.push("</svg>");
  return parts.join("");
}
