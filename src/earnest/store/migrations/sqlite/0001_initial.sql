CREATE TABLE posts (
    id            TEXT PRIMARY KEY,
    subreddit     TEXT NOT NULL,
    subreddit_key TEXT NOT NULL,
    title         TEXT NOT NULL,
    selftext      TEXT NOT NULL,
    url           TEXT NOT NULL,
    permalink     TEXT NOT NULL,
    created_utc   REAL NOT NULL,
    score         INTEGER NOT NULL,
    num_comments  INTEGER NOT NULL,
    over_18       INTEGER NOT NULL,
    published_at  REAL NOT NULL,
    stored_at     REAL NOT NULL
);
CREATE INDEX posts_by_subreddit_time ON posts (subreddit_key, created_utc DESC, id DESC);

CREATE TABLE scores (
    post_id       TEXT NOT NULL,
    model_version TEXT NOT NULL,
    seriousness   REAL NOT NULL,
    scored_at     REAL NOT NULL,
    PRIMARY KEY (post_id, model_version)
) WITHOUT ROWID;

CREATE TABLE agg_5m (
    model_version TEXT NOT NULL,
    subreddit     TEXT NOT NULL,
    bucket        INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    total         REAL NOT NULL,
    PRIMARY KEY (model_version, subreddit, bucket)
) WITHOUT ROWID;

CREATE TABLE agg_1h (
    model_version TEXT NOT NULL,
    subreddit     TEXT NOT NULL,
    bucket        INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    total         REAL NOT NULL,
    PRIMARY KEY (model_version, subreddit, bucket)
) WITHOUT ROWID;
CREATE INDEX agg_1h_by_time ON agg_1h (model_version, bucket);

CREATE TABLE agg_all (
    model_version TEXT NOT NULL,
    subreddit     TEXT NOT NULL,
    name          TEXT NOT NULL,
    count         INTEGER NOT NULL,
    total         REAL NOT NULL,
    last_post_utc REAL NOT NULL,
    updated_at    REAL NOT NULL,
    PRIMARY KEY (model_version, subreddit)
) WITHOUT ROWID;

CREATE TABLE dead_letters (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    key    TEXT NOT NULL UNIQUE,
    stage  TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw    TEXT NOT NULL,
    at     REAL NOT NULL
);

CREATE TABLE models (
    version    TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    metrics    TEXT NOT NULL,
    created_at REAL NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE checkpoints (
    name       TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at REAL NOT NULL
);
