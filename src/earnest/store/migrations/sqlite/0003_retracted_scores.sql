-- A retracted score stays as a tombstone: it no longer counts anywhere, and a late or
-- redelivered copy of the score it retracted cannot count again.
ALTER TABLE scores ADD COLUMN retracted_at REAL
