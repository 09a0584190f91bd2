import { memo, type KeyboardEvent, type MouseEvent } from "react";
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

/** The tracked subreddits, already filtered and sorted; a row opens its subreddit. */
export function SubredditsTable({ rows, sort, onSort }: Props) {
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
          {rows.map((s) => (
            <SubredditRow key={s.name} row={s} />
          ))}
        </tbody>
      </table>
    </div>
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
});
