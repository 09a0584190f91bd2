-- Keys compare byte-wise (COLLATE "C"), as in SQLite, so cursors and name order agree
-- across backends whatever the database's default collation is.
CREATE TABLE posts (
    id            text COLLATE "C" PRIMARY KEY,
    subreddit     text NOT NULL,
    subreddit_key text COLLATE "C" NOT NULL,
    title         text NOT NULL,
    selftext      text NOT NULL,
    url           text NOT NULL,
    permalink     text NOT NULL,
    created_utc   double precision NOT NULL,
    score         bigint NOT NULL,
    num_comments  bigint NOT NULL,
    over_18       boolean NOT NULL,
    published_at  double precision NOT NULL,
    stored_at     double precision NOT NULL
);
CREATE INDEX posts_by_subreddit_time ON posts (subreddit_key, created_utc DESC, id DESC);

CREATE TABLE scores (
    post_id       text COLLATE "C" NOT NULL,
    model_version text COLLATE "C" NOT NULL,
    seriousness   double precision NOT NULL,
    scored_at     double precision NOT NULL,
    PRIMARY KEY (post_id, model_version)
);

CREATE TABLE agg_5m (
    model_version text COLLATE "C" NOT NULL,
    subreddit     text COLLATE "C" NOT NULL,
    bucket        bigint NOT NULL,
    count         bigint NOT NULL,
    total         double precision NOT NULL,
    PRIMARY KEY (model_version, subreddit, bucket)
);

CREATE TABLE agg_1h (
    model_version text COLLATE "C" NOT NULL,
    subreddit     text COLLATE "C" NOT NULL,
    bucket        bigint NOT NULL,
    count         bigint NOT NULL,
    total         double precision NOT NULL,
    PRIMARY KEY (model_version, subreddit, bucket)
);
CREATE INDEX agg_1h_by_time ON agg_1h (model_version, bucket);

CREATE TABLE agg_all (
    model_version text COLLATE "C" NOT NULL,
    subreddit     text COLLATE "C" NOT NULL,
    name          text NOT NULL,
    count         bigint NOT NULL,
    total         double precision NOT NULL,
    last_post_utc double precision NOT NULL,
    updated_at    double precision NOT NULL,
    PRIMARY KEY (model_version, subreddit)
);

CREATE TABLE dead_letters (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key    text NOT NULL UNIQUE,
    stage  text NOT NULL,
    reason text NOT NULL,
    raw    text NOT NULL,
    at     double precision NOT NULL
);

CREATE TABLE models (
    version    text COLLATE "C" PRIMARY KEY,
    path       text NOT NULL,
    metrics    jsonb NOT NULL,
    created_at double precision NOT NULL,
    active     boolean NOT NULL DEFAULT false
);

CREATE TABLE checkpoints (
    name       text PRIMARY KEY,
    state      jsonb NOT NULL,
    updated_at double precision NOT NULL
);
