// Reads the states table out of plugins/panel/README.md: the one place the panel's texts and beeps
// are written down for people. The tests compare the code and the LCD against it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface DocumentedState {
  state: string;
  led: string;
  line1: string;
  line2: string;
  beep: string;
}

const README = fileURLToPath(new URL("../../../../plugins/panel/README.md", import.meta.url));

const cell = (s: string): string => {
  const t = s.trim();
  if (t === "—") return "";
  return t.replace(/^`(.*)`$/, "$1");
};

export function documentedStates(): DocumentedState[] {
  const lines = readFileSync(README, "utf8").split("\n");
  const head = lines.findIndex((l) => /^\|\s*state\s*\|\s*when\s*\|\s*LED\s*\|\s*LCD line 1\s*\|\s*LCD line 2\s*\|\s*beep\s*\|/.test(l));
  if (head < 0) throw new Error(`${README}: no states table (| state | when | LED | LCD line 1 | LCD line 2 | beep |)`);
  const rows: DocumentedState[] = [];
  for (let i = head + 2; i < lines.length && lines[i].startsWith("|"); i++) {
    const c = lines[i].split("|").slice(1, -1);
    if (c.length !== 6) throw new Error(`${README}:${i + 1}: expected 6 cells, got ${c.length}`);
    rows.push({ state: cell(c[0]), led: cell(c[2]) || "none", line1: cell(c[3]), line2: cell(c[4]), beep: cell(c[5]) });
  }
  return rows;
}
