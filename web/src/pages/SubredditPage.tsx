import { useCallback, useRef, useState } from "react";
import type { Change } from "../api/changes";
import { getSubreddit } from "../api/client";
import type { HourlyBucket, SubredditDetail } from "../api/types";
import { ErrorBanner } from "../components/ErrorBanner";
import { HourlyChart } from "../components/HourlyChart";
import { Pager, PostsTable } from "../components/PostsTable";
import { RelativeTime } from "../components/RelativeTime";
import { ScoreChip } from "../components/ScoreChip";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { usePolling } from "../hooks/usePolling";
import { formatCount } from "../lib/format";
import { Link } from "../router";

export const PAGE_SIZE = 50;

interface Paging {
  /** Cursors of the pages before this one (null is the first page), for "Newer". */
  previous: (string | null)[];
  cursor: string | null;
}

const FIRST_PAGE: Paging = { previous: [], cursor: null };

/** `/r/<name>`: one subreddit's score, hourly chart and posts. Render with `key={name}`. */
export function SubredditPage({ name }: { name: string }) {
  useDocumentTitle(`r/${name}`);
  const [paging, setPaging] = useState<Paging>(FIRST_PAGE);
  const load = useCallback(
    (signal: AbortSignal) => getSubreddit(name, { limit: PAGE_SIZE, cursor: paging.cursor }, signal),
    [name, paging.cursor],
  );
  const mine = useCallback(
    (change: Change) =>
      change.models ||
      change.subreddits === null ||
      change.subreddits.some((s) => s.toLowerCase() === name.toLowerCase()),
    [name],
  );
  const { data, error, failingSince } = usePolling(`${name}\n${paging.cursor ?? ""}`, load, mine);

  // While another page loads, keep showing the last one rather than flashing an empty page.
  const last = useRef<SubredditDetail | undefined>(undefined);
  if (data) last.current = data;
  const detail = data ?? last.current;

  // A 422 on a later page is a bad cursor, not a bad name: that stays a banner.
  if (error && (error.status === 404 || (error.status === 422 && paging.cursor === null))) {
    return <NotTracked name={name} invalid={error.status === 422} />;
  }

  const older = () =>
    detail?.next_cursor &&
    setPaging((p) => ({ previous: [...p.previous, p.cursor], cursor: detail.next_cursor }));
  const newer = () =>
    setPaging((p) => (p.previous.length ? { previous: p.previous.slice(0, -1), cursor: p.previous.at(-1)! } : p));

  return (
    <>
      {error && <ErrorBanner error={error} failingSince={failingSince} />}
      <p className="breadcrumb">
        <Link href="/">← All subreddits</Link>
      </p>
      <div className="page-head">
        <h1>r/{detail?.name ?? name}</h1>
        {detail && (
          <a className="muted" href={`https://www.reddit.com/r/${encodeURIComponent(detail.name)}/`} target="_blank" rel="noopener noreferrer">
            Open on Reddit ↗
          </a>
        )}
      </div>
      {!detail ? (
        !error && <p className="muted" role="status">Loading r/{name}…</p>
      ) : (
        <>
          <Summary detail={detail} />
          <section className="panel" aria-labelledby="hourly-heading">
            <h2 id="hourly-heading">Hourly seriousness, last 7 days</h2>
            <HourlyChart hourly={detail.hourly} />
          </section>
          <section className="panel" aria-labelledby="posts-heading">
            <h2 id="posts-heading">Posts</h2>
            {detail.posts.length === 0 ? (
              <p className="empty">No posts yet.</p>
            ) : (
              <PostsTable posts={detail.posts} busy={!data} />
            )}
            <Pager
              page={paging.previous.length + 1}
              hasNewer={paging.previous.length > 0}
              hasOlder={Boolean(data?.next_cursor)}
              onNewer={newer}
              onOlder={older}
            />
          </section>
          <p className="muted footnote">
            Scored by model <code>{detail.model_version}</code>
          </p>
        </>
      )}
    </>
  );
}

function Summary({ detail }: { detail: SubredditDetail }) {
  const week = weekMean(detail.hourly);
  return (
    <section className="cards" aria-label="Summary">
      <div className="card">
        <span className="card__label" id="all-time-label">All-time seriousness</span>
        <span data-testid="all-time-score" aria-labelledby="all-time-label">
          <ScoreChip score={detail.seriousness} large />
        </span>
      </div>
      <div className="card">
        <span className="card__label">Last 7 days</span>
        <span data-testid="week-score">
          <ScoreChip score={week.mean} large />
        </span>
        <span className="muted">{formatCount(week.count)} posts</span>
      </div>
      <div className="card">
        <span className="card__label">Posts</span>
        <span className="card__value">{formatCount(detail.posts_count)}</span>
      </div>
      <div className="card">
        <span className="card__label">Last post</span>
        <RelativeTime className="card__value" iso={detail.last_post_utc} />
      </div>
    </section>
  );
}

/** The post-weighted mean of the hourly means, over hours that have a score. */
export function weekMean(hourly: readonly HourlyBucket[]): { mean: number | null; count: number } {
  let total = 0;
  let weighted = 0;
  let count = 0;
  for (const h of hourly) {
    count += h.count;
    if (h.seriousness !== null && h.count > 0) {
      total += h.count;
      weighted += h.seriousness * h.count;
    }
  }
  return { mean: total ? weighted / total : null, count };
}

function NotTracked({ name, invalid }: { name: string; invalid: boolean }) {
  return (
    <div className="empty" data-testid="not-found" role="alert">
      <h1>{invalid ? `“${name}” is not a valid subreddit name` : `r/${name} is not tracked`}</h1>
      <p>
        {invalid
          ? "Subreddit names are letters, digits and underscores."
          : "earnest has not seen any posts from this subreddit. It appears here once its first post is scored."}
      </p>
      <p>
        <Link href="/">← Back to all subreddits</Link>
      </p>
    </div>
  );
}
