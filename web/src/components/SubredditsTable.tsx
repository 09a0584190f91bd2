import { memo, useEffect, useState, type KeyboardEvent, type MouseEvent } from "react";
import type { SubredditSummary } from "../api/types";
import { formatCount } from "../lib/format";
import { Link, navigate, subredditHref } from "../router";
import { RelativeTime } from "./RelativeTime";
import { ScoreChip } from "./ScoreChip";
import { Sparkline } from "./Sparkline";
import type { Sort, SortKey } from "./subredditSort";

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: "name", label: "Subreddit" },
  { key: "seriousness", label: "Seriousness", numeric: true },
  { key: "posts", label: "Posts", numeric: true },
  { key: "last_post", label: "Last post" },
];

interface Props {
  rows: readonly SubredditSummary[];
  sort: Sort;
  onSort: (key: SortKey) => void;
}

/** Rows in the first render, enough to fill any screen; the rest follow in later tasks. */
export const FIRST_ROWS = 50;
/** Rows added per later task: small enough that no task blocks the page for long. */
export const MORE_ROWS = 100;

/**
 * The tracked subreddits, already filtered and sorted; a row opens its subreddit. A long list is
 * rendered in steps, so the page shows the top rows at once and stays responsive while the rest
 * arrive.
 */
export function SubredditsTable({ rows, sort, onSort }: Props) {
  const shown = useGrowingCount(rows.length);
  return (
    <div className="table-scroll" role="region" aria-label="Subreddits" tabIndex={0}>
      <table className="table table--subreddits" data-testid="subreddits-table">
        <caption className="visually-hidden">
          Tracked subreddits, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label}{" "}
          {sort.dir === "asc" ? "ascending" : "descending"}. Column headers are sort buttons.
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? "num" : undefined}
                aria-sort={sort.key === c.key ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
              >
                <button type="button" className="sort" onClick={() => onSort(c.key)}>
                  {c.label}
                  <span className="sort__arrow" aria-hidden="true">
                    {sort.key === c.key ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">Last 7 days</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, shown).map((s) => (
            <SubredditRow key={s.name} row={s} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * How many of `total` rows to render: FIRST_ROWS at first, then MORE_ROWS more per task until all
 * are shown. It never shrinks while the table stays mounted, so a re-sort or a new poll moves rows
 * that exist instead of rebuilding them.
 */
function useGrowingCount(total: number): number {
  const [limit, setLimit] = useState(FIRST_ROWS);
  useEffect(() => {
    if (limit >= total) return;
    // A timer, not an animation frame: frames stop in a hidden tab, and the rows should be
    // there when the tab is shown again.
    const id = setTimeout(() => setLimit((n) => n + MORE_ROWS), 0);
    return () => clearTimeout(id);
  }, [limit, total]);
  return Math.min(limit, total);
}

/** Polls bring new row objects each time; a row whose values did not change is not rendered again. */
function sameRow(a: { row: SubredditSummary }, b: { row: SubredditSummary }): boolean {
  const x = a.row;
  const y = b.row;
  return (
    x === y ||
    (x.name === y.name &&
      x.seriousness === y.seriousness &&
      x.posts === y.posts &&
      x.last_post_utc === y.last_post_utc &&
      x.last_7d.length === y.last_7d.length &&
      x.last_7d.every((v, i) => v === y.last_7d[i]))
  );
}

const SubredditRow = memo(function SubredditRow({ row }: { row: SubredditSummary }) {
  const href = subredditHref(row.name);
  const onClick = (event: MouseEvent<HTMLTableRowElement>) => {
    // The name is a real link; let it (and text selection) behave normally.
    if ((event.target as Element).closest("a") || window.getSelection()?.toString()) return;
    navigate(href);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key === "Enter" && event.target === event.currentTarget) navigate(href);
  };
  return (
    <tr className="row-link" tabIndex={0} onClick={onClick} onKeyDown={onKeyDown} data-testid="subreddit-row">
      <th scope="row">
        <Link href={href}>r/{row.name}</Link>
      </th>
      <td className="num">
        <ScoreChip score={row.seriousness} />
      </td>
      <td className="num">{formatCount(row.posts)}</td>
      <td>
        <RelativeTime iso={row.last_post_utc} />
      </td>
      <td>
        <Sparkline values={row.last_7d} />
      </td>
    </tr>
  );
}, sameRow);
