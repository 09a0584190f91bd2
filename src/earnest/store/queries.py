"""SQL that both stores run, written once; a backend supplies its dialect.

The dialects differ only in the parameter mark (``?`` or ``%s``) and in how a time
is floored to an integer bucket (:func:`earnest.store.score_writes.bucket`, the one
bucketing rule, which the write path uses too).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from earnest.records import Post
from earnest.store import score_writes
from earnest.store.aggregates import ALL_TIME, differences
from earnest.store.base import (
    BUCKETS,
    Changes,
    PostRow,
    PostView,
    SeriesPoint,
    StoredDeadLetter,
    StoredPost,
    SubredditStats,
    SubredditView,
    VersionFigures,
    subreddit_key,
)


@dataclass(frozen=True)
class Dialect:
    mark: str
    bigint_sum: str  # sum(count) as an integer
    writes: score_writes.Dialect  # the same database's write path, and its bucketing rule


SQLITE = Dialect("?", "sum(count)", score_writes.SQLITE)
POSTGRES = Dialect("%s", "sum(count)::bigint", score_writes.POSTGRES)


def stats(name: str, count: int, total: float, last: float | None) -> SubredditStats:
    return SubredditStats(name, count, total / count if count else None, last)


def subreddit_stats(d: Dialect, model_version: str, name: str) -> tuple[str, list[Any]]:
    return (f"SELECT name, count, total, last_post_utc FROM agg_all"
            f" WHERE model_version = {d.mark} AND subreddit = {d.mark}",
            [model_version, subreddit_key(name)])


def series(d: Dialect, model_version: str, since: int, step: int,
           name: str | None) -> tuple[str, list[Any]]:
    """Buckets of ``step`` seconds (a multiple of 300) from ``since`` on: the 5-minute
    aggregates summed, or the hourly ones when ``step`` is a multiple of an hour."""
    if step <= 0 or step % 300:
        raise ValueError(f"step {step} is not a multiple of 300 s")
    where = f"model_version = {d.mark} AND bucket >= {d.mark}"
    params: list[Any] = [model_version, since]
    if name is not None:
        where += f" AND subreddit = {d.mark}"
        params.append(subreddit_key(name))
    table = "agg_5m" if step % 3600 else "agg_1h"
    sql = (f"SELECT subreddit, bucket / {int(step)} * {int(step)} AS start, {d.bigint_sum},"
           f" sum(total) FROM {table} WHERE {where} GROUP BY subreddit, start")
    return sql, params


def posts_page(d: Dialect, model_version: str, name: str, limit: int,
               before: tuple[float, str] | None) -> tuple[str, list[Any]]:
    where = f"p.subreddit_key = {d.mark}"
    params: list[Any] = [model_version, subreddit_key(name)]
    if before is not None:
        where += f" AND (p.created_utc, p.id) < ({d.mark}, {d.mark})"
        params.extend(before)
    params.append(limit)
    sql = ("SELECT p.id, p.subreddit, p.title, p.url, p.permalink, p.created_utc,"
           " s.seriousness, p.removed FROM posts p LEFT JOIN scores s"
           f" ON s.post_id = p.id AND s.model_version = {d.mark} AND s.retracted_at IS NULL"
           f" WHERE {where} ORDER BY p.created_utc DESC, p.id DESC LIMIT {d.mark}")
    return sql, params


def version_figures(d: Dialect, versions: Sequence[str]) -> tuple[str, list[Any]]:
    marks = ", ".join([d.mark] * len(versions))
    return (f"SELECT model_version, {d.bigint_sum}, max(last_post_utc), max(updated_at)"
            f" FROM agg_all WHERE model_version IN ({marks}) GROUP BY model_version",
            list(versions))


POST_COLUMNS = ("id", "subreddit", "title", "created_utc", "selftext", "url", "permalink",
                "score", "num_comments", "over_18", "removed", "observed_at", "published_at")


def posts_by_id(d: Dialect, ids: Sequence[str]) -> tuple[str, list[Any]]:
    marks = ", ".join([d.mark] * len(ids))
    return (f"SELECT {', '.join(POST_COLUMNS)}, stored_at FROM posts WHERE id IN ({marks})"
            " ORDER BY id", list(ids))


def scores_by_post(d: Dialect, ids: Sequence[str]) -> tuple[str, list[Any]]:
    marks = ", ".join([d.mark] * len(ids))
    return ("SELECT post_id, model_version, seriousness FROM scores"
            f" WHERE post_id IN ({marks}) AND retracted_at IS NULL"
            " ORDER BY post_id, model_version", list(ids))


def stored_post(row: Sequence[Any], scores: dict[str, float]) -> StoredPost:
    fields = dict(zip(POST_COLUMNS, row, strict=False))
    fields["over_18"] = bool(fields["over_18"])
    return StoredPost(Post(**fields), row[len(POST_COLUMNS)], scores)


def post_rows(d: Dialect, model_version: str | None, subreddits: Collection[str] | None,
                 since: float | None, until: float | None, limit: int | None
                 ) -> tuple[str, list[Any]]:
    """Posts with their score under ``model_version``, filtered, newest first."""
    params: list[Any] = [model_version]
    where = []
    if subreddits is not None:
        keys = sorted({subreddit_key(name) for name in subreddits})
        # One mark per name: the same SQL on both databases, and the lists are short.
        where.append(f"p.subreddit_key IN ({', '.join([d.mark] * len(keys))})" if keys
                     else "FALSE")
        params.extend(keys)
    if since is not None:
        where.append(f"p.created_utc >= {d.mark}")
        params.append(since)
    if until is not None:
        where.append(f"p.created_utc < {d.mark}")
        params.append(until)
    sql = ("SELECT p.id, p.subreddit, p.title, p.selftext, p.created_utc, p.score,"
           " p.num_comments, p.over_18, p.removed, s.seriousness FROM posts p LEFT JOIN scores s"
           f" ON s.post_id = p.id AND s.model_version = {d.mark} AND s.retracted_at IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY p.created_utc DESC, p.id DESC"
    if limit is not None:
        sql += f" LIMIT {d.mark}"
        params.append(limit)
    return sql, params


@dataclass(frozen=True)
class Check:
    """An aggregate table, the query reading it, and the query recomputing it."""

    table: str
    stored: str
    recomputed: str


def verify_checks(d: Dialect) -> list[Check]:
    checks = [
        Check(
            f"agg_{name}",
            f"SELECT model_version, subreddit, bucket, count, total FROM agg_{name}",
            f"SELECT s.model_version, p.subreddit_key,"
            f" {score_writes.bucket(d.writes, 'p.created_utc', width)} AS b,"
            " count(*), sum(s.seriousness) FROM scores s"
            " JOIN posts p ON p.id = s.post_id WHERE s.retracted_at IS NULL AND p.removed = ''"
            " GROUP BY 1, 2, 3",
        )
        for name, width in BUCKETS.items()
    ]
    checks.append(Check(
        "agg_all",
        f"SELECT model_version, subreddit, {ALL_TIME}, count, total FROM agg_all",
        f"SELECT s.model_version, p.subreddit_key, {ALL_TIME}, count(*), sum(s.seriousness)"
        " FROM scores s JOIN posts p ON p.id = s.post_id WHERE s.retracted_at IS NULL"
        " AND p.removed = ''"
        " GROUP BY 1, 2",
    ))
    return checks


ORPHAN_SCORES = ("SELECT count(*) FROM scores s WHERE s.retracted_at IS NULL AND NOT EXISTS"
                 " (SELECT 1 FROM posts p WHERE p.id = s.post_id)")


def check_differences(table: str, stored: Sequence[Sequence[Any]],
                      recomputed: Sequence[Sequence[Any]]) -> list[str]:
    """Lines for every key of ``table`` whose stored and recomputed figures differ."""
    def by_key(rows: Sequence[Sequence[Any]]) -> dict:
        return {(v, k, int(b)): (c, t) for v, k, b, c, t in rows}

    return differences(table, by_key(stored), by_key(recomputed))


def orphan_line(orphans: int) -> list[str]:
    return [f"{orphans} scores have no stored post yet"] if orphans else []


Read = tuple[str, list[Any]]


class SqlReads:
    """The reads of :class:`earnest.store.base.Store`, for a store that runs SQL.

    A store mixes this in and supplies its ``dialect`` and ``_rows``, which runs queries
    in one snapshot; the queries and what their rows become are written here once.
    """

    dialect: Dialect

    async def _rows(self, *reads: Read) -> list[list[tuple[Any, ...]]]:
        """The rows of each of ``reads``, all from one snapshot of the database."""
        raise NotImplementedError

    async def subreddits(self, model_version: str) -> list[SubredditStats]:
        (rows,) = await self._rows(
            ("SELECT name, count, total, last_post_utc FROM agg_all"
             f" WHERE model_version = {self.dialect.mark} ORDER BY subreddit", [model_version]))
        return [stats(*row) for row in rows]

    async def subreddit(self, model_version: str, name: str) -> SubredditStats | None:
        (rows,) = await self._rows(subreddit_stats(self.dialect, model_version, name))
        return stats(*rows[0]) if rows else None

    async def subreddit_view(
        self, model_version: str, name: str, limit: int, before: tuple[float, str] | None,
        since: int,
    ) -> SubredditView | None:
        found, posts, hours = await self._rows(
            subreddit_stats(self.dialect, model_version, name),
            posts_page(self.dialect, model_version, name, limit, before),
            series(self.dialect, model_version, since, 3600, name))
        if not found:
            return None
        return SubredditView(stats(*found[0]), [PostView(*r) for r in posts],
                             [SeriesPoint(*r) for r in hours])

    async def series(self, model_version: str, since: int, step: int, name: str | None = None
                     ) -> list[SeriesPoint]:
        (rows,) = await self._rows(series(self.dialect, model_version, since, step, name))
        return [SeriesPoint(*row) for row in rows]

    async def posts_page(self, model_version: str, name: str, limit: int,
                         before: tuple[float, str] | None) -> list[PostView]:
        (rows,) = await self._rows(posts_page(self.dialect, model_version, name, limit, before))
        return [PostView(*row) for row in rows]

    async def version_figures(self, versions: Collection[str]) -> dict[str, VersionFigures]:
        wanted = sorted(set(versions))
        figures = {v: VersionFigures(v, 0, None, None) for v in wanted}
        if wanted:
            (rows,) = await self._rows(version_figures(self.dialect, wanted))
            figures.update({row[0]: VersionFigures(*row) for row in rows})
        return figures

    async def changes(self, model_version: str | None, since: float) -> Changes:
        m = self.dialect.mark
        changed, models = await self._rows(
            (f"SELECT name, updated_at FROM agg_all WHERE model_version = {m}"
             f" AND updated_at > {m}", [model_version or "", since]),
            ("SELECT (SELECT max(coalesce(changed_at, created_at)) FROM models),"
             " (SELECT max(updated_at) FROM backfills)", []))
        (registry, backfill), = models
        return Changes(sorted({name for name, _ in changed}),
                       max((at for _, at in changed), default=None),
                       max((t for t in (registry, backfill) if t is not None), default=None))

    async def posts(self, ids: Collection[str]) -> list[StoredPost]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        posts, scores = await self._rows(posts_by_id(self.dialect, wanted),
                                         scores_by_post(self.dialect, wanted))
        by_post: dict[str, dict[str, float]] = {}
        for post_id, version, seriousness in scores:
            by_post.setdefault(post_id, {})[version] = seriousness
        return [stored_post(row, by_post.get(row[0], {})) for row in posts]

    async def post_rows(
        self, model_version: str | None, subreddits: Collection[str] | None = None,
        since: float | None = None, until: float | None = None, limit: int | None = None,
    ) -> list[PostRow]:
        (rows,) = await self._rows(
            post_rows(self.dialect, model_version, subreddits, since, until, limit))
        return [PostRow._make((*row[:7], bool(row[7]), *row[8:])) for row in rows]

    async def dead_letters(self, limit: int) -> list[StoredDeadLetter]:
        (rows,) = await self._rows(
            ("SELECT id, stage, reason, raw, at FROM dead_letters ORDER BY id DESC"
             f" LIMIT {self.dialect.mark}", [limit]))
        return [StoredDeadLetter(*row) for row in rows]
