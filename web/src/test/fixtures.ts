import type {
  BackfillProgress,
  HourlyBucket,
  PipelineStatus,
  Post,
  SubredditDetail,
  SubredditSummary,
  SubredditsResponse,
} from "../api/types";

/** "Now" for every test: relative times are computed against this. */
export const NOW = Date.parse("2026-11-26T10:00:30Z");
export const MODEL = "seriousness-20261126-ab12cd34";
/** A version being promoted in the backfill fixtures. */
export const NEXT_MODEL = "seriousness-20261127-9f8e7d6c";

export function summary(overrides: Partial<SubredditSummary> & { name: string }): SubredditSummary {
  return {
    seriousness: 0.5,
    posts: 10,
    last_post_utc: "2026-11-26T09:00:00Z",
    last_7d: [0.5, 0.5, null, 0.5, 0.5, 0.5, 0.5],
    ...overrides,
  };
}

export function subredditsFixture(): SubredditsResponse {
  return {
    model_version: MODEL,
    freshness: { newest_post_utc: "2026-11-26T10:00:00Z", last_update_utc: "2026-11-26T10:00:28Z" },
    subreddits: [
      summary({ name: "askscience", seriousness: 0.87, posts: 1000, last_post_utc: "2026-11-26T10:00:00Z", last_7d: [0.8, null, 0.9, 0.85, 0.88, 0.9, 0.86] }),
      summary({ name: "AskHistorians", seriousness: 0.93, posts: 420, last_post_utc: "2026-11-26T08:30:00Z" }),
      summary({ name: "memes", seriousness: 0.08, posts: 5000, last_post_utc: "2026-11-26T09:59:00Z" }),
      summary({ name: "Showerthoughts", seriousness: 0.31, posts: 77, last_post_utc: "2026-11-25T22:00:00Z" }),
      summary({ name: "brandnew", seriousness: null, posts: 1, last_post_utc: null, last_7d: [null, null, null, null, null, null, null] }),
    ],
  };
}

export function statusFixture(overrides: Partial<PipelineStatus> = {}): PipelineStatus {
  return {
    model_version: MODEL,
    posts: 12345,
    scores: 12000,
    dead_letters: 0,
    newest_post_utc: "2026-11-26T10:00:00Z",
    last_update_utc: "2026-11-26T10:00:28Z",
    lag: { "store-posts": 10, score: 200, "store-scores": null },
    backfills: [],
    ...overrides,
  };
}

/** A promotion of NEXT_MODEL, 45% through its backfill unless `overrides` say otherwise. */
export function backfillFixture(overrides: Partial<BackfillProgress> = {}): BackfillProgress {
  return {
    version: NEXT_MODEL,
    phase: "backfilling",
    scored: 12345,
    total: 27000,
    fraction: 12345 / 27000,
    posts_per_second: 1234.4,
    started_at: "2026-11-26T09:59:50Z",
    updated_at: "2026-11-26T10:00:29Z",
    switched_at: null,
    finished_at: null,
    ...overrides,
  };
}

/** 168 hours ending at 10:00 on the fixture day; `scores` sets some hours, the rest are empty. */
export function hourlyFixture(scores: Record<number, [count: number, seriousness: number | null]> = {}): HourlyBucket[] {
  const start = Date.parse("2026-11-19T11:00:00Z");
  return Array.from({ length: 168 }, (_, i) => {
    const [count, seriousness] = scores[i] ?? [0, null];
    return { hour: new Date(start + i * 3600_000).toISOString().replace(".000Z", "Z"), count, seriousness };
  });
}

export function post(n: number, subreddit = "askscience"): Post {
  const id = `p${n.toString(36)}`;
  return {
    id,
    title: `Post number ${n}`,
    url: `https://example.org/${id}`,
    permalink: `https://www.reddit.com/r/${subreddit}/comments/${id}/post_number_${n}/`,
    created_utc: new Date(NOW - n * 60_000).toISOString().replace(".000Z", "Z"),
    seriousness: n % 7 === 0 ? null : (n % 10) / 10,
  };
}

/** A subreddit whose posts come in pages of `pageSize`, keyed by opaque cursors "c1", "c2", ... */
export function detailPages(name: string, total: number, pageSize: number): Map<string | null, SubredditDetail> {
  const pages = new Map<string | null, SubredditDetail>();
  const posts = Array.from({ length: total }, (_, i) => post(i + 1, name));
  for (let start = 0, page = 0; start < total || page === 0; start += pageSize, page++) {
    const more = start + pageSize < total;
    pages.set(page === 0 ? null : `c${page}`, {
      name,
      seriousness: 0.87,
      posts_count: total,
      last_post_utc: posts[0]?.created_utc ?? null,
      model_version: MODEL,
      freshness: { newest_post_utc: posts[0]?.created_utc ?? null, last_update_utc: "2026-11-26T10:00:28Z" },
      hourly: hourlyFixture({ 160: [3, 0.81], 161: [0, null], 162: [2, 0.9], 163: [1, 0.7], 165: [4, 0.6] }),
      posts: posts.slice(start, start + pageSize),
      next_cursor: more ? `c${page + 1}` : null,
    });
  }
  return pages;
}
