// Counters that must survive a reboot: tip wear (cuts since the tips were changed) and totals per
// day. Updated inside the job-end transaction, so they never disagree with the jobs table.
import type Database from "better-sqlite3";

export const TIP_CUTS = "tips.cutsSinceChange";

/** Local calendar day (the garage's day) of an epoch-ms time, YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function bumpCounter(db: Database.Database, name: string, by: number): void {
  db.prepare(`INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`).run(name, by);
}

export function addDaily(db: Database.Database, ms: number, totals: Record<string, number>): void {
  const st = db.prepare(`INSERT INTO daily_totals (day, name, value) VALUES (?, ?, ?) ON CONFLICT (day, name) DO UPDATE SET value = value + excluded.value`);
  const day = localDay(ms);
  for (const [name, v] of Object.entries(totals)) if (v !== 0) st.run(day, name, v);
}

export interface CounterValue {
  value: number;
  /** Epoch ms of the last reset, or null. */
  since: number | null;
}

export function readCounter(db: Database.Database, name: string): CounterValue {
  const r = db.prepare(`SELECT value, since FROM counters WHERE name = ?`).get(name) as CounterValue | undefined;
  return r ?? { value: 0, since: null };
}

/** The tips were changed: tip wear starts again from zero. */
export function resetCounter(db: Database.Database, name: string, at: number): void {
  db.prepare(`INSERT INTO counters (name, value, since) VALUES (?, 0, ?) ON CONFLICT (name) DO UPDATE SET value = 0, since = excluded.since`).run(name, at);
}

/** Totals of one day (`jobs`, `complete`, `interrupted`, `cuts`). */
export function dailyTotals(db: Database.Database, day: string): Record<string, number> {
  const rows = db.prepare(`SELECT name, value FROM daily_totals WHERE day = ?`).all(day) as Array<{ name: string; value: number }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}
