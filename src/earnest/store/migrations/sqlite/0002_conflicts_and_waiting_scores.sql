-- The content fingerprint of each stored post: a later copy with the same id and another
-- fingerprint conflicts, and a score counts only for the copy it was computed from.
-- Posts stored before this migration have none and match any score of their id.
ALTER TABLE posts ADD COLUMN content_hash TEXT;

-- Scores whose post is not stored yet, counted once it is.
CREATE TABLE pending_scores (
    post_id       TEXT NOT NULL,
    model_version TEXT NOT NULL,
    post_hash     TEXT NOT NULL,
    seriousness   REAL NOT NULL,
    subreddit     TEXT NOT NULL,
    created_utc   REAL NOT NULL,
    since         REAL NOT NULL,
    PRIMARY KEY (post_id, model_version, post_hash)
) WITHOUT ROWID;

ALTER TABLE dead_letters ADD COLUMN origin TEXT NOT NULL DEFAULT '';
