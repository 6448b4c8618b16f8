// The job log's schema, as an ordered list of migrations. `PRAGMA user_version` holds how many have
// run; opening a log runs the missing ones, each in its own transaction, so a file from any older
// edgeprop comes up to date and a crash mid-migration leaves the previous version intact.
// Never edit a released migration: append a new one.
//
// Units and conventions: times are epoch milliseconds (wall clock) unless the column says `_us`
// (board time, µs); lengths in µm (`_um`); booleans are 0/1; JSON columns hold text.
import type Database from "better-sqlite3";

export interface Migration {
  version: number;
  describe: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    describe: "jobs, per-revolution features, predictions, labels, events",
    sql: `
      CREATE TABLE jobs (
        id             TEXT PRIMARY KEY,
        session        TEXT,               -- the controller run that logged it
        ordinal        INTEGER,            -- 1-based within its session
        board_start_us INTEGER,
        started_at     TEXT,               -- wall-clock ISO start (null in a replay)
        logged_at      INTEGER NOT NULL,   -- when the row was first written
        ended_at       INTEGER,            -- when the job's end was committed
        status         TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted')),
        reason         TEXT,
        rev_measure    INTEGER, rev_cut INTEGER, rev_check INTEGER,
        passes         INTEGER,
        rpm            REAL, lro_pre_um REAL, lro_post_um REAL,
        alarms         TEXT NOT NULL DEFAULT '[]',
        frames         TEXT NOT NULL DEFAULT '{}',
        repair_order   TEXT, vehicle TEXT, wheel TEXT CHECK (wheel IN ('FL', 'FR', 'RL', 'RR')), technician TEXT
      );
      CREATE INDEX jobs_ordinal ON jobs (ordinal);
      CREATE INDEX jobs_status ON jobs (status);
      CREATE TABLE feature_names (
        version INTEGER PRIMARY KEY,
        names   TEXT NOT NULL                -- JSON array of names, the vector's layout
      );
      CREATE TABLE features (
        job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        rev           INTEGER NOT NULL,      -- 0-based revolution index within the job
        phase         TEXT NOT NULL CHECK (phase IN ('measure', 'cut', 'check')),
        board_us      INTEGER,
        names_version INTEGER NOT NULL,
        vec           BLOB NOT NULL,         -- little-endian float64 values
        PRIMARY KEY (job_id, rev)
      ) WITHOUT ROWID;
      CREATE TABLE predictions (
        id            INTEGER PRIMARY KEY,
        job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        target        TEXT NOT NULL CHECK (target IN ('judder', 'lroPostUm', 'raUm')),
        value         REAL,                  -- judder: probability; others: µm
        flag          INTEGER,               -- judder only
        model_version TEXT,
        source        TEXT NOT NULL CHECK (source IN ('model', 'prior', 'rule')),
        time          INTEGER NOT NULL
      );
      CREATE INDEX predictions_job ON predictions (job_id);
      CREATE TABLE labels (
        id      INTEGER PRIMARY KEY AUTOINCREMENT, -- the high-water mark a running controller polls
        job_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        judder  INTEGER, dtv_um REAL, ra_um REAL,
        source  TEXT NOT NULL CHECK (source IN ('technician', 'panel', 'label-file', 'cli', 'dashboard')),
        who     TEXT,
        time    INTEGER NOT NULL
      );
      CREATE INDEX labels_job ON labels (job_id);
      CREATE TABLE events (
        id      INTEGER PRIMARY KEY,
        type    TEXT NOT NULL,
        time    INTEGER NOT NULL,
        source  TEXT NOT NULL,
        message TEXT NOT NULL,
        data    TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_type_time ON events (type, time);
    `,
  },
  {
    version: 2,
    describe: "model registry",
    sql: `
      CREATE TABLE models (
        version  TEXT PRIMARY KEY,
        kind     TEXT NOT NULL,              -- 'judder', 'cut-quality', ...
        created  INTEGER NOT NULL,
        parent   TEXT REFERENCES models (version),
        path     TEXT,                       -- a model file (relative to the log's folder or absolute)
        blob     BLOB,                       -- or the model's bytes
        metrics  TEXT NOT NULL DEFAULT '{}',
        active   INTEGER NOT NULL DEFAULT 0,
        CHECK (path IS NOT NULL OR blob IS NOT NULL)
      );
      CREATE UNIQUE INDEX models_one_active ON models (kind) WHERE active = 1;
      CREATE TABLE model_events (
        id      INTEGER PRIMARY KEY,
        version TEXT NOT NULL REFERENCES models (version),
        kind    TEXT NOT NULL,
        type    TEXT NOT NULL CHECK (type IN ('registered', 'promoted', 'rolled-back', 'load-failed')),
        time    INTEGER NOT NULL,
        reason  TEXT
      );
    `,
  },
  {
    version: 3,
    describe: "counters that survive a reboot, daily totals, raw captures",
    sql: `
      CREATE TABLE counters (
        name    TEXT PRIMARY KEY,
        value   INTEGER NOT NULL,
        since   INTEGER                      -- when it was last reset (tip change)
      );
      CREATE TABLE daily_totals (
        day     TEXT NOT NULL,               -- local date YYYY-MM-DD
        name    TEXT NOT NULL,
        value   INTEGER NOT NULL,
        PRIMARY KEY (day, name)
      ) WITHOUT ROWID;
      CREATE TABLE captures (
        id      INTEGER PRIMARY KEY,
        job_id  TEXT NOT NULL,
        board   TEXT NOT NULL CHECK (board IN ('vib', 'run')),
        path    TEXT NOT NULL,               -- relative to the captures folder
        bytes   INTEGER NOT NULL DEFAULT 0,
        pinned  INTEGER NOT NULL DEFAULT 0,
        state   TEXT NOT NULL CHECK (state IN ('writing', 'complete', 'truncated')),
        created INTEGER NOT NULL,
        UNIQUE (job_id, board)
      );
      CREATE INDEX captures_age ON captures (pinned, created);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Runs the migrations after `from` up to `to` (default: the latest), each in one transaction. */
export function migrate(db: Database.Database, from: number, to = SCHEMA_VERSION): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > to) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
