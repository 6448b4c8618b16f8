// The benchmark's table: samples/s per implementation with each figure's ratio to the baseline
// implementation of the same row (edgeprop WASM), then edgeprop's standing against C.

export interface Row {
  shape: string;
  precision: string;
  /** samples/s, or the reason there is no figure */
  figures: Record<string, number | string>;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M/s`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k/s`;
  return `${v.toFixed(0)} /s`;
}

export function formatTable(rows: Row[], baseline: string): string {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.figures)) if (!names.includes(k)) names.push(k);
  const header = ["shape", "prec", ...names];
  const lines: string[][] = [header];
  const notes: string[] = [];
  for (const r of rows) {
    const base = r.figures[baseline];
    const cells = [r.shape, r.precision];
    for (const n of names) {
      const v = r.figures[n];
      if (v === undefined) cells.push("–");
      else if (typeof v === "string") {
        cells.push("n/a");
        notes.push(`${r.shape} ${r.precision} ${n}: ${v}`);
      } else cells.push(typeof base === "number" ? `${fmt(v)} (${(v / base).toFixed(2)}×)` : fmt(v));
    }
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]): string => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const out = [render(lines[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.slice(1).map(render)];
  out.push("", `(×) = samples/s ÷ ${baseline}'s samples/s in the same row`);
  for (const r of rows) {
    const c = r.figures["C -O3"];
    const e = r.figures[baseline];
    if (typeof c === "number" && typeof e === "number") {
      out.push(`${r.shape} ${r.precision}: ${baseline} = ${(e / c).toFixed(2)}× C (target ≥ 0.5×)`);
    }
  }
  return [...out, ...notes.map((n) => `note: ${n}`)].join("\n");
}
