-- The model registry: each version has a state (registered, live, and later shadow,
-- retired, ...), a card (name, author, training data, metrics, fields, trusted types)
-- and its artifact (the skops file's bytes), so that any worker on any machine loads a
-- version from the database. The version that was active is the live one, and at most
-- one is live at a time.
ALTER TABLE models ADD COLUMN state text NOT NULL DEFAULT 'registered';
ALTER TABLE models ADD COLUMN card jsonb;
ALTER TABLE models ADD COLUMN artifact bytea;
UPDATE models SET state = 'live' WHERE active;
ALTER TABLE models DROP COLUMN active;
CREATE UNIQUE INDEX models_one_live ON models (state) WHERE state = 'live';
