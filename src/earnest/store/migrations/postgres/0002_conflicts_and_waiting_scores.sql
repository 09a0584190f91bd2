-- The content fingerprint of each stored post: a later copy with the same id and another
-- fingerprint conflicts, and a score counts only for the copy it was computed from.
-- Posts stored before this migration have none and match any score of their id.
ALTER TABLE posts ADD COLUMN content_hash text;

-- Scores whose post is not stored yet, counted once it is.
CREATE TABLE pending_scores (
    post_id       text COLLATE "C" NOT NULL,
    model_version text COLLATE "C" NOT NULL,
    post_hash     text COLLATE "C" NOT NULL,
    seriousness   double precision NOT NULL,
    subreddit     text NOT NULL,
    created_utc   double precision NOT NULL,
    since         double precision NOT NULL,
    PRIMARY KEY (post_id, model_version, post_hash)
);

ALTER TABLE dead_letters ADD COLUMN origin text NOT NULL DEFAULT '';
