import { useEffect, useId, useMemo, useState } from "react";
import { getSubreddits } from "../api/client";
import type { SubredditSummary } from "../api/types";
import { ErrorBanner } from "../components/ErrorBanner";
import { ScoreChip, ScoreLegend } from "../components/ScoreChip";
import { SubredditsTable } from "../components/SubredditsTable";
import {
  DEFAULT_SORT,
  SORT_KEYS,
  extremes,
  filterSubreddits,
  nextSort,
  sortSubreddits,
  type Sort,
  type SortKey,
} from "../components/subredditSort";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { usePolling } from "../hooks/usePolling";
import { Link, navigate, subredditHref } from "../router";

/** `/`: every tracked subreddit, live, sortable and filterable. */
export function SubredditsPage() {
  useDocumentTitle("Subreddits");
  const { data, error, failingSince } = usePolling("subreddits", getSubreddits);
  const [query, setQuery] = useState(() => readQuery().query);
  const [sort, setSort] = useState<Sort>(() => readQuery().sort);
  useQuerySync(query, sort);

  const rows = data?.subreddits;
  const visible = useMemo(
    () => (rows ? sortSubreddits(filterSubreddits(rows, query), sort) : []),
    [rows, query, sort],
  );

  return (
    <>
      {error && <ErrorBanner error={error} failingSince={failingSince} />}
      <div className="page-head">
        <h1>Subreddits</h1>
        {data?.model_version && (
          <p className="muted">
            Scored by model <code>{data.model_version}</code>
          </p>
        )}
      </div>
      {!rows ? (
        !error && <p className="muted" role="status">Loading subreddits…</p>
      ) : rows.length === 0 ? (
        <EmptyState />
      ) : (
        <>
          <Extremes rows={rows} />
          <div className="toolbar">
            <FilterBox value={query} onChange={setQuery} />
            <p className="muted" aria-live="polite">
              {visible.length === rows.length
                ? `${rows.length} subreddit${rows.length === 1 ? "" : "s"}`
                : `${visible.length} of ${rows.length} subreddits`}
            </p>
            <ScoreLegend />
          </div>
          {visible.length === 0 ? (
            <p className="empty" data-testid="no-match">
              No subreddit matches “{query}”.
            </p>
          ) : (
            <SubredditsTable rows={visible} sort={sort} onSort={(key) => setSort((s) => nextSort(s, key))} />
          )}
        </>
      )}
    </>
  );
}

function FilterBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>Filter subreddits</label>
      <input
        id={id}
        type="search"
        value={value}
        placeholder="e.g. science"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        data-testid="subreddit-filter"
      />
    </div>
  );
}

function Extremes({ rows }: { rows: readonly SubredditSummary[] }) {
  const { most, least } = extremes(rows);
  if (!most) return null;
  return (
    <section className="extremes" aria-label="Extremes" data-testid="extremes">
      <ExtremeCard label="Most serious" row={most} />
      {least && <ExtremeCard label="Least serious" row={least} />}
    </section>
  );
}

function ExtremeCard({ label, row }: { label: string; row: SubredditSummary }) {
  return (
    <div className="card extreme">
      <span className="card__label">{label}</span>
      <Link href={subredditHref(row.name)} className="extreme__name">
        r/{row.name}
      </Link>
      <ScoreChip score={row.seriousness} large />
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>No subreddits yet</h2>
      <p>
        The pipeline is starting, or has not scored any posts yet. Subreddits appear here as soon as
        their first posts are scored, without reloading the page.
      </p>
      <p>
        Nothing arriving? Start everything with <code>earnest up</code>, or fill the dashboard from the
        recorded dataset with <code>earnest replay</code>.
      </p>
    </div>
  );
}

function readQuery(): { query: string; sort: Sort } {
  const params = new URLSearchParams(window.location.search);
  const key = params.get("sort");
  const dir = params.get("dir");
  const sort: Sort =
    key && (SORT_KEYS as readonly string[]).includes(key)
      ? { key: key as SortKey, dir: dir === "asc" ? "asc" : "desc" }
      : DEFAULT_SORT;
  return { query: params.get("q") ?? "", sort };
}

/** Mirrors filter and sort into the URL, so they survive a reload or a trip to a subreddit and back. */
function useQuerySync(query: string, sort: Sort): void {
  useEffect(() => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (sort.key !== DEFAULT_SORT.key || sort.dir !== DEFAULT_SORT.dir) {
      params.set("sort", sort.key);
      params.set("dir", sort.dir);
    }
    const search = params.toString();
    navigate(`/${search ? `?${search}` : ""}`, { replace: true });
  }, [query, sort]);
}
