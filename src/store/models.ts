// The model registry: every model version the learner or `retrain` made, its parent, metrics and
// where its bytes are (a model file, or a BLOB), with one active version per kind and a history of
// promotions and rollbacks. A model whose file no longer loads is skipped for its parent.
import { isAbsolute, resolve } from "node:path";
import type Database from "better-sqlite3";
import { StoreError, StoreErrorCodes, errorText } from "./errors.ts";

export interface ModelInfo {
  version: string;
  kind: string;
  /** Epoch ms. */
  created: number;
  parent: string | null;
  /** Absolute path of the model file, or null when the model is stored as a BLOB. */
  path: string | null;
  hasBlob: boolean;
  metrics: Record<string, unknown>;
  active: boolean;
}

export interface NewModel {
  version: string;
  kind: string;
  parent?: string | null;
  /** Model file; relative paths are relative to the log's folder. */
  path?: string | null;
  blob?: Uint8Array | null;
  metrics?: Record<string, unknown>;
  /** Make it the active version of its kind at once (a `promoted` event, also in `events`). */
  activate?: boolean;
  /** With activate: a learner's own next version, made active with its `registered` event only
   *  (no promotion event per label; promotions by people and rollbacks stay visible). */
  quietly?: boolean;
}

export interface ModelEvent {
  version: string;
  kind: string;
  type: "registered" | "promoted" | "rolled-back" | "load-failed";
  time: number;
  reason: string | null;
}

interface ModelRow {
  version: string;
  kind: string;
  created: number;
  parent: string | null;
  path: string | null;
  has_blob: number;
  metrics: string;
  active: number;
}

const COLUMNS = `version, kind, created, parent, path, blob IS NOT NULL AS has_blob, metrics, active`;

export class ModelRegistry {
  constructor(
    private readonly db: Database.Database,
    /** Folder relative model paths are resolved against (the log's folder). */
    private readonly baseDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private info(r: ModelRow): ModelInfo {
    const path = r.path === null ? null : isAbsolute(r.path) ? r.path : resolve(this.baseDir, r.path);
    return { version: r.version, kind: r.kind, created: r.created, parent: r.parent, path, hasBlob: r.has_blob === 1, metrics: JSON.parse(r.metrics) as Record<string, unknown>, active: r.active === 1 };
  }

  private event(version: string, kind: string, type: ModelEvent["type"], reason: string | null): void {
    const time = this.now();
    this.db.prepare(`INSERT INTO model_events (version, kind, type, time, reason) VALUES (?, ?, ?, ?, ?)`).run(version, kind, type, time, reason);
    if (type !== "registered") {
      this.db.prepare(`INSERT INTO events (type, time, source, message, data) VALUES (?, ?, 'models', ?, ?)`)
        .run(`model.${type}`, time, `${kind} model ${version} ${type}${reason ? `: ${reason}` : ""}`, JSON.stringify({ version, kind, reason }));
    }
  }

  register(m: NewModel): ModelInfo {
    if (!m.path && !m.blob) throw new StoreError(StoreErrorCodes.BAD_INPUT, `model ${m.version}: give a file path or the model's bytes`);
    this.db.transaction(() => {
      if (m.parent && !this.get(m.parent)) throw new StoreError(StoreErrorCodes.NOT_FOUND, `model ${m.version}: parent version '${m.parent}' is not registered`);
      this.db.prepare(`INSERT INTO models (version, kind, created, parent, path, blob, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(m.version, m.kind, this.now(), m.parent ?? null, m.path ?? null, m.blob ? Buffer.from(m.blob) : null, JSON.stringify(m.metrics ?? {}));
      this.event(m.version, m.kind, "registered", null);
      if (m.activate && m.quietly) this.setActive(m.version, m.kind, null, null);
      else if (m.activate) this.setActive(m.version, m.kind, "promoted", null);
    }).immediate();
    return this.get(m.version)!;
  }

  get(version: string): ModelInfo | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM models WHERE version = ?`).get(version) as ModelRow | undefined;
    return r ? this.info(r) : null;
  }

  blob(version: string): Buffer | null {
    return (this.db.prepare(`SELECT blob FROM models WHERE version = ?`).pluck().get(version) as Buffer | null | undefined) ?? null;
  }

  /** Oldest first. */
  list(kind?: string): ModelInfo[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM models ${kind ? "WHERE kind = ?" : ""} ORDER BY created, rowid`).all(...(kind ? [kind] : [])) as ModelRow[];
    return rows.map((r) => this.info(r));
  }

  kinds(): string[] {
    return this.db.prepare(`SELECT DISTINCT kind FROM models ORDER BY kind`).pluck().all() as string[];
  }

  active(kind: string): ModelInfo | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM models WHERE kind = ? AND active = 1`).get(kind) as ModelRow | undefined;
    return r ? this.info(r) : null;
  }

  history(kind?: string): ModelEvent[] {
    return this.db.prepare(`SELECT version, kind, type, time, reason FROM model_events ${kind ? "WHERE kind = ?" : ""} ORDER BY id`).all(...(kind ? [kind] : [])) as ModelEvent[];
  }

  /** type null: no event (see NewModel.quietly). */
  private setActive(version: string, kind: string, type: "promoted" | "rolled-back" | null, reason: string | null): void {
    this.db.prepare(`UPDATE models SET active = 0 WHERE kind = ? AND active = 1`).run(kind);
    this.db.prepare(`UPDATE models SET active = 1 WHERE version = ?`).run(version);
    if (type) this.event(version, kind, type, reason);
  }

  /** Makes `version` the active model of its kind. */
  promote(version: string, reason: string | null = null): ModelInfo {
    const m = this.get(version);
    if (!m) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no model version '${version}' (see 'edgeprop models list')`);
    this.db.transaction(() => this.setActive(version, m.kind, "promoted", reason)).immediate();
    return this.get(version)!;
  }

  /** Makes the active model's parent active again; returns it. */
  rollback(kind: string, reason: string | null = null): ModelInfo {
    const cur = this.active(kind);
    if (!cur) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no active ${kind} model to roll back`);
    if (!cur.parent) throw new StoreError(StoreErrorCodes.NOT_FOUND, `${kind} model ${cur.version} has no earlier version to roll back to`);
    this.db.transaction(() => this.setActive(cur.parent!, kind, "rolled-back", reason ?? `from ${cur.version}`)).immediate();
    return this.get(cur.parent)!;
  }

  /** Makes `version` (an earlier one of its kind) active again as a rollback, e.g. a learner's
   *  automatic rollback to a checkpoint; recorded as `rolled-back` with the reason. */
  rollbackTo(version: string, reason: string): ModelInfo {
    const m = this.get(version);
    if (!m) throw new StoreError(StoreErrorCodes.NOT_FOUND, `no model version '${version}' to roll back to`);
    this.db.transaction(() => this.setActive(version, m.kind, "rolled-back", reason)).immediate();
    return this.get(version)!;
  }

  /**
   * Loads the active model of `kind` with `load`; when that throws (a damaged or missing file), the
   * failure is recorded and its parent is tried, and so on. A fallback that loads becomes the active
   * version (a rollback with the reason). Throws EP_ERR_STORE_NOT_FOUND when nothing loads.
   */
  loadActive<T>(kind: string, load: (model: ModelInfo, blob: Buffer | null) => T): { model: ModelInfo; value: T; skipped: Array<{ version: string; error: string }> } {
    const skipped: Array<{ version: string; error: string }> = [];
    let m = this.active(kind);
    while (m) {
      try {
        const value = load(m, m.hasBlob ? this.blob(m.version) : null);
        if (!m.active) {
          const reason = `active version could not be loaded: ${skipped.map((s) => `${s.version} (${s.error})`).join("; ")}`;
          const version = m.version;
          this.db.transaction(() => this.setActive(version, kind, "rolled-back", reason)).immediate();
          m = this.get(version)!;
        }
        return { model: m, value, skipped };
      } catch (err) {
        skipped.push({ version: m.version, error: errorText(err) });
        this.event(m.version, kind, "load-failed", errorText(err));
        m = m.parent ? this.get(m.parent) : null;
      }
    }
    const tried = skipped.map((s) => `${s.version}: ${s.error}`).join("; ");
    throw new StoreError(StoreErrorCodes.NOT_FOUND, `no loadable ${kind} model${tried ? ` (tried ${tried})` : ""}`);
  }
}
