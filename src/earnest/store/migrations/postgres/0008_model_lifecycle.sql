-- Model lifecycle: shadow, promoting and retired versions beside the live one. A
-- version records when its state last changed and when it last became live (the
-- version to roll back to is the one live most recently before the live one). A
-- promotion's backfill keeps its progress here, with the lease of the one worker that
-- runs it.
ALTER TABLE models ADD COLUMN changed_at double precision;
ALTER TABLE models ADD COLUMN live_since double precision;
UPDATE models SET live_since = created_at WHERE state = 'live';
CREATE TABLE backfills (
    version     text PRIMARY KEY,
    total       bigint NOT NULL,
    scored      bigint NOT NULL DEFAULT 0,
    cursor      text NOT NULL DEFAULT '',
    passes      integer NOT NULL DEFAULT 0,
    started_at  double precision NOT NULL,
    updated_at  double precision NOT NULL,
    switched_at double precision,
    finished_at double precision,
    holder      text,
    lease_until double precision NOT NULL DEFAULT 0
);
