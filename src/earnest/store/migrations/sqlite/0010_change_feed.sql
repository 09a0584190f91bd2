-- The change feed asks several times a second which subreddits' aggregates changed
-- since a moment: an index on when each all-time row last changed answers it without
-- reading every subreddit's row.
CREATE INDEX agg_all_by_update ON agg_all (model_version, updated_at);
