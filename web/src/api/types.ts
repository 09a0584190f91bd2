/**
 * The JSON shapes served by earnest's HTTP API.
 *
 * Times are ISO 8601 strings in UTC ("2026-11-26T10:00:00Z"). A score is a model output in
 * 0..1, or null when there is nothing to average (no scored posts in that bucket yet).
 */

export type Score = number | null;

/** How fresh the model version shown is: null while it counts nothing. */
export interface Freshness {
  /** Creation time of the newest post the version counts. */
  newest_post_utc: string | null;
  /** When the version's aggregates last changed. */
  last_update_utc: string | null;
}

/** One row of `GET /subreddits`. */
export interface SubredditSummary {
  name: string;
  seriousness: Score;
  posts: number;
  last_post_utc: string | null;
  /** Seven daily mean scores, oldest first; null for days without scored posts. */
  last_7d: Score[];
}

/** `GET /subreddits` */
export interface SubredditsResponse {
  /** null until a model has scored anything. */
  model_version: string | null;
  freshness: Freshness;
  subreddits: SubredditSummary[];
}

/** One hour of `GET /subreddit/{name}`; every hour of the last 7 days is present. */
export interface HourlyBucket {
  hour: string;
  count: number;
  seriousness: Score;
}

export interface Post {
  id: string;
  title: string;
  url: string;
  permalink: string;
  created_utc: string;
  seriousness: Score;
}

/** `GET /subreddit/{name}?limit=&cursor=` */
export interface SubredditDetail {
  name: string;
  seriousness: Score;
  posts_count: number;
  last_post_utc: string | null;
  model_version: string;
  freshness: Freshness;
  /** 168 hourly buckets, oldest first. */
  hourly: HourlyBucket[];
  /** Newest first. */
  posts: Post[];
  /** Opaque cursor for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** Where a promotion's backfill is: scoring stored posts, live but scoring posts in flight, over. */
export type BackfillPhase = "backfilling" | "settling" | "done" | "stopped";

/**
 * A promotion's backfill: every stored post scored by the version being promoted, before the
 * default view switches to it in one step.
 */
export interface BackfillProgress {
  version: string;
  phase: BackfillPhase;
  /** Stored posts it has scored so far. */
  scored: number;
  /** Posts stored when it began. */
  total: number;
  /** How far it is, 0..1. */
  fraction: number;
  /** Its average speed so far; null when unknown. */
  posts_per_second: number | null;
  started_at: string;
  updated_at: string;
  /** When the version became live. */
  switched_at: string | null;
  finished_at: string | null;
}

/** `GET /status` */
export interface PipelineStatus {
  model_version: string | null;
  posts: number;
  scores: number;
  dead_letters: number;
  newest_post_utc: string | null;
  last_update_utc: string | null;
  /** Messages waiting per consumer (e.g. "store-posts", "score"); null when unknown. */
  lag: Record<string, number | null>;
  /** Promotions' backfills not finished yet (phase is never "done"), the newest first. */
  backfills: BackfillProgress[];
}
