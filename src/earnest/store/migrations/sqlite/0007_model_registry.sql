-- The model registry: each version has a state (registered, live, and later shadow,
-- retired, ...), a card (JSON: name, author, training data, metrics, fields, trusted
-- types) and its artifact (the skops file's bytes), so that any worker on any machine
-- loads a version from the database. The version that was active is the live one,
-- and at most one is live at a time.
ALTER TABLE models ADD COLUMN state TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE models ADD COLUMN card TEXT;
ALTER TABLE models ADD COLUMN artifact BLOB;
UPDATE models SET state = 'live' WHERE active = 1;
ALTER TABLE models DROP COLUMN active;
CREATE UNIQUE INDEX models_one_live ON models (state) WHERE state = 'live'
