-- Model lifecycle: shadow, promoting and retired versions beside the live one. A
-- version records when its state last changed and when it last became live (the
-- version to roll back to is the one live most recently before the live one). A
-- promotion's backfill keeps its progress here, with the lease of the one worker that
-- runs it.
ALTER TABLE models ADD COLUMN changed_at REAL;
ALTER TABLE models ADD COLUMN live_since REAL;
UPDATE models SET live_since = created_at WHERE state = 'live';
CREATE TABLE backfills (
    version     TEXT PRIMARY KEY,
    total       INTEGER NOT NULL,
    scored      INTEGER NOT NULL DEFAULT 0,
    cursor      TEXT NOT NULL DEFAULT '',
    passes      INTEGER NOT NULL DEFAULT 0,
    started_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    switched_at REAL,
    finished_at REAL,
    holder      TEXT,
    lease_until REAL NOT NULL DEFAULT 0
) WITHOUT ROWID
