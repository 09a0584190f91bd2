-- A post's revision: later records of it update its counts and removal status. A post
-- whose removed is not empty is left out of the aggregates. observed_at is when the copy
-- shown was retrieved (0 when unknown).
ALTER TABLE posts ADD COLUMN removed TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN observed_at REAL NOT NULL DEFAULT 0
