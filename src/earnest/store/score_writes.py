"""The one write path of scores and aggregates, as SQL both stores run in one transaction.

A batch of score records is loaded into the temporary table ``score_batch``, joined
with the stored posts. Then, in this order:

1. waiting scores whose post has been stored since join the batch;
2. scores whose post is not stored yet are parked in ``pending_scores``;
3. scores computed from another copy of their post than the stored one are dropped;
4. each (post, model version) keeps one record;
5. additions (``sign`` +1) insert their score, retractions (``sign`` -1) retire a live
   one and leave a tombstone (so a late or redelivered addition stays retired); each
   row that really changed, of a post that is not removed, becomes a signed
   *contribution* in ``contributions``, carrying the stored post's subreddit and time
   and the stored seriousness;
6. every aggregate adds the sums of the contributions of its key, in key order
   (:func:`fold`): ``count = count + sum(sign)``, ``total = total + sum(sign * seriousness)``.

A post removed later takes its counted scores back out through the same fold
(:mod:`earnest.store.post_writes`). On PostgreSQL a score batch holds a shared lock
that such a removal takes exclusively, so that a score is never added on the word of a
post row that a concurrent transaction is removing.

So a new model version is the same path with another version, and a retraction is the
same path with another sign. The dialects differ only in how a JSON batch is read, how
a time is floored to a bucket, and in step 5: SQLite has one writer, so it reads what
will change and then changes it; PostgreSQL has concurrent writers, so it learns what
changed from the statement that changed it (``RETURNING``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from earnest.store.base import BUCKETS, AddedScores


@dataclass(frozen=True)
class Step:
    """One statement of the path.

    ``counts``: the figure its row count adds to (``probe``: the figure its one value
    sets); ``nows``: how many parameters it takes, each the transaction's time;
    ``document``: its one parameter is the batch; ``only_if``: run only when one of
    these figures is above zero; ``setup``: creates the temporary tables.

    Statements that cannot change anything are skipped, not run: each statement costs
    SQLite's writer a round trip for Python's GIL (see :mod:`earnest.sqlite_db`).
    """

    sql: str
    counts: str | None = None
    nows: int = 0
    document: bool = False
    only_if: tuple[str, ...] = ()
    probe: str | None = None
    setup: bool = False


def batch_figures(rows: list[tuple]) -> dict[str, int]:
    r"""What a runner knows of a batch before it runs: its size, its retractions, and
    whether a (post, model version, sign) repeats. ``rows`` are :func:`document_row`\ s."""
    keys = {(row[0], row[1], row[4]) for row in rows}
    return {"batch": len(rows), "retractions": sum(1 for row in rows if row[4] == -1),
            "repeats": len(rows) - len(keys)}


def document_row(score: Any) -> tuple:
    """A score as a row of the batch document (the order ``Dialect.load`` reads)."""
    return (score.post_id, score.model_version, score.seriousness, score.post_hash,
            score.sign, score.subreddit, score.created_utc)


@dataclass(frozen=True)
class Dialect:
    name: str
    load: str  # INSERT INTO score_batch from the JSON document (parameter: the document)
    floor: str  # SQL flooring {column} to a multiple of {width}
    greatest: str  # the two-argument maximum function
    additions: tuple[Step, ...]
    retractions: tuple[Step, ...]
    temp: str  # CREATE TEMP TABLE options
    guard: str = ""  # taken first by a score batch: see the module docstring


_BATCH_COLUMNS = (
    "ord, post_id, model_version, seriousness, post_hash, sign,"
    " subreddit, name, created_utc, stored_hash, sent_subreddit, sent_created_utc, removed"
)
# [post_id, model_version, seriousness, post_hash, sign, subreddit, created_utc]
_SQLITE_LOAD = (
    f"INSERT INTO score_batch ({_BATCH_COLUMNS}) SELECT j.key, j.value ->> 0, j.value ->> 1,"
    " j.value ->> 2, j.value ->> 3, j.value ->> 4, p.subreddit_key, p.subreddit,"
    " p.created_utc, p.content_hash, j.value ->> 5, j.value ->> 6, p.removed <> ''"
    " FROM json_each(?) AS j"
    " LEFT JOIN posts AS p ON p.id = j.value ->> 0"
)
_POSTGRES_LOAD = (
    f"INSERT INTO score_batch ({_BATCH_COLUMNS}) SELECT j.ord, j.v ->> 0, j.v ->> 1,"
    " (j.v ->> 2)::float8, j.v ->> 3, (j.v ->> 4)::int, p.subreddit_key, p.subreddit,"
    " p.created_utc, p.content_hash, j.v ->> 5, (j.v ->> 6)::float8, p.removed <> ''"
    " FROM json_array_elements(%s::json) WITH ORDINALITY AS j(v, ord)"
    " LEFT JOIN posts AS p ON p.id = j.v ->> 0"
)

_WAITING_ORD = 1_000_000_000_000  # ord of waiting scores taken into a batch: after its own
_ANY_ROWS = ("batch", "claimed")  # the batch, or waiting scores whose post has come
_CONTRIBUTE = (
    "INSERT INTO contributions (model_version, subreddit, name, created_utc, seriousness,"
    " sign) SELECT b.model_version, b.subreddit, b.name, b.created_utc, {value}, {sign}"
)

SQLITE_ADDITIONS = (
    Step("DELETE FROM score_batch WHERE sign = 1 AND EXISTS (SELECT 1 FROM scores AS s"
         " WHERE s.post_id = score_batch.post_id"
         " AND s.model_version = score_batch.model_version)", only_if=_ANY_ROWS),
    Step(_CONTRIBUTE.format(value="b.seriousness", sign="1")
         + " FROM score_batch AS b WHERE b.sign = 1 AND NOT b.removed", counts="new",
         only_if=_ANY_ROWS),
    Step("INSERT INTO scores (post_id, model_version, seriousness, scored_at)"
         " SELECT post_id, model_version, seriousness, ? FROM score_batch WHERE sign = 1",
         nows=1, only_if=_ANY_ROWS),
)
SQLITE_RETRACTIONS = (
    Step(_CONTRIBUTE.format(value="s.seriousness", sign="-1")
         + " FROM score_batch AS b JOIN scores AS s ON s.post_id = b.post_id"
         " AND s.model_version = b.model_version"
         " WHERE b.sign = -1 AND s.retracted_at IS NULL AND NOT b.removed",
         counts="retracted",
         only_if=("retractions",)),
    Step("INSERT INTO scores AS s (post_id, model_version, seriousness, scored_at,"
         " retracted_at) SELECT post_id, model_version, seriousness, ?1, ?1"
         " FROM score_batch WHERE sign = -1"
         " ON CONFLICT (post_id, model_version) DO UPDATE"
         " SET retracted_at = excluded.retracted_at WHERE s.retracted_at IS NULL", nows=1,
         only_if=("retractions",)),
)
POSTGRES_ADDITIONS = (
    Step("WITH added AS (INSERT INTO scores (post_id, model_version, seriousness, scored_at)"
         " SELECT post_id, model_version, seriousness, %s FROM score_batch WHERE sign = 1"
         " ORDER BY post_id, model_version ON CONFLICT DO NOTHING"
         " RETURNING post_id, model_version) "
         + _CONTRIBUTE.format(value="b.seriousness", sign="1")
         + " FROM added JOIN score_batch AS b ON b.post_id = added.post_id"
         " AND b.model_version = added.model_version WHERE NOT b.removed", counts="new",
         nows=1,
         only_if=_ANY_ROWS),
)
POSTGRES_RETRACTIONS = (
    # xmax is set on a row this statement updated, and 0 on one it inserted (a tombstone).
    Step("WITH retired AS (INSERT INTO scores AS s (post_id, model_version, seriousness,"
         " scored_at, retracted_at) SELECT post_id, model_version, seriousness, %s, %s"
         " FROM score_batch WHERE sign = -1 ORDER BY post_id, model_version"
         " ON CONFLICT (post_id, model_version) DO UPDATE"
         " SET retracted_at = excluded.retracted_at WHERE s.retracted_at IS NULL"
         " RETURNING s.post_id, s.model_version, s.seriousness, s.xmax <> 0 AS was_live) "
         + _CONTRIBUTE.format(value="retired.seriousness", sign="-1")
         + " FROM retired JOIN score_batch AS b ON b.post_id = retired.post_id"
         " AND b.model_version = retired.model_version"
         " WHERE retired.was_live AND NOT b.removed",
         counts="retracted", nows=2, only_if=("retractions",)),
)

SQLITE = Dialect("sqlite", _SQLITE_LOAD, "CAST(floor({column} / {width}) AS INTEGER) * {width}",
                 "max", SQLITE_ADDITIONS, SQLITE_RETRACTIONS, "")
REMOVALS_LOCK = 7_202_612_026  # the PostgreSQL advisory lock of removals (any number unused)
POSTGRES = Dialect("postgres", _POSTGRES_LOAD, "(floor({column} / {width}) * {width})::bigint",
                   "greatest", POSTGRES_ADDITIONS, POSTGRES_RETRACTIONS, " ON COMMIT DELETE ROWS",
                   guard=f"SELECT pg_advisory_xact_lock_shared({REMOVALS_LOCK})")


def bucket(dialect: Dialect, column: str, width: int) -> str:
    """The bucketing rule, in SQL: a time lands in the bucket ``width`` seconds wide
    that holds it (buckets start at multiples of ``width`` since the epoch)."""
    return dialect.floor.format(column=column, width=int(width))


def temp_tables(dialect: Dialect) -> list[str]:
    real, text, integer, boolean = (("REAL", "TEXT", "INTEGER", "INTEGER")
                                    if dialect.name == "sqlite"
                                    else ("float8", "text", "bigint", "boolean"))
    return [
        f"CREATE TEMP TABLE IF NOT EXISTS score_batch (ord {integer} NOT NULL,"
        f" post_id {text} NOT NULL, model_version {text} NOT NULL, seriousness {real} NOT NULL,"
        f" post_hash {text} NOT NULL, sign {integer} NOT NULL, subreddit {text}, name {text},"
        f" created_utc {real}, stored_hash {text}, sent_subreddit {text} NOT NULL,"
        f" sent_created_utc {real} NOT NULL, removed {boolean}){dialect.temp}",
        f"CREATE TEMP TABLE IF NOT EXISTS contributions (model_version {text} NOT NULL,"
        f" subreddit {text} NOT NULL, name {text} NOT NULL, created_utc {real} NOT NULL,"
        f" seriousness {real} NOT NULL, sign {integer} NOT NULL){dialect.temp}",
    ]


def steps(dialect: Dialect, with_document: bool) -> list[Step]:
    """Every statement of one score batch, in order (see the module docstring)."""
    out = [Step(sql, setup=True) for sql in temp_tables(dialect)]
    if dialect.guard:
        out.append(Step(dialect.guard))
    if with_document:
        out.append(Step(dialect.load, document=True))
    out += [
        Step("SELECT EXISTS (SELECT 1 FROM pending_scores)", probe="any_waiting"),
        # Waiting scores sort after the batch: its own records come first.
        Step(f"INSERT INTO score_batch ({_BATCH_COLUMNS}) SELECT {_WAITING_ORD} + row_number()"
             " OVER (ORDER BY q.post_id, q.model_version, q.post_hash), q.post_id,"
             " q.model_version, q.seriousness, q.post_hash, 1, p.subreddit_key, p.subreddit,"
             " p.created_utc, p.content_hash, q.subreddit, q.created_utc, p.removed <> ''"
             " FROM pending_scores AS q JOIN posts AS p ON p.id = q.post_id",
             counts="claimed", only_if=("any_waiting",)),
        # Exactly the rows taken into the batch: a post stored since then (by another
        # transaction) leaves its waiting scores for the next call.
        Step("DELETE FROM pending_scores WHERE EXISTS (SELECT 1 FROM score_batch AS b"
             f" WHERE b.ord >= {_WAITING_ORD} AND b.post_id = pending_scores.post_id"
             " AND b.model_version = pending_scores.model_version"
             " AND b.post_hash = pending_scores.post_hash)", only_if=("claimed",)),
        Step("INSERT INTO pending_scores (post_id, model_version, post_hash, seriousness,"
             " subreddit, created_utc, since) SELECT post_id, model_version, post_hash,"
             f" seriousness, sent_subreddit, sent_created_utc, {_now(dialect)}"
             " FROM score_batch WHERE subreddit IS NULL AND sign = 1"
             " ORDER BY post_id, model_version, post_hash ON CONFLICT DO NOTHING",
             counts="waiting", nows=1, only_if=("batch",)),
        Step("DELETE FROM score_batch WHERE subreddit IS NULL", only_if=("batch",)),
        Step("DELETE FROM score_batch WHERE post_hash <> '' AND stored_hash IS NOT NULL"
             " AND post_hash <> stored_hash", counts="superseded", only_if=_ANY_ROWS),
        # One record per (post, model version) and sign, the first in the batch.
        Step("DELETE FROM score_batch WHERE ord NOT IN (SELECT min(ord) FROM score_batch"
             " GROUP BY post_id, model_version, sign)", only_if=("repeats", "claimed")),
        *dialect.additions,
        *dialect.retractions,
    ]
    out += fold(dialect, only_if=("new", "retracted"), prune_if=("retracted",))
    if dialect.name == "sqlite":  # PostgreSQL empties it at commit
        out.append(Step("DELETE FROM score_batch", only_if=_ANY_ROWS))
    return out


def fold(dialect: Dialect, only_if: tuple[str, ...], prune_if: tuple[str, ...]) -> list[Step]:
    """Add the ``contributions`` gathered by a transaction into every aggregate, in key
    order, when a figure of ``only_if`` is above zero; when one of ``prune_if`` is (some
    contributions took scores out), drop the keys left with nothing."""
    out: list[Step] = []
    for name, width in BUCKETS.items():
        out.append(Step(
            f"INSERT INTO agg_{name} AS a (model_version, subreddit, bucket, count, total)"
            f" SELECT model_version, subreddit, {bucket(dialect, 'created_utc', width)},"
            " sum(sign), sum(sign * seriousness) FROM contributions WHERE true"
            " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            " ON CONFLICT (model_version, subreddit, bucket) DO UPDATE"
            " SET count = a.count + excluded.count, total = a.total + excluded.total",
            only_if=only_if))
    out.append(Step(
        "INSERT INTO agg_all AS a (model_version, subreddit, name, count, total,"
        f" last_post_utc, updated_at) SELECT model_version, subreddit, min(name), sum(sign),"
        f" sum(sign * seriousness), max(created_utc), {_now(dialect)} FROM contributions"
        " WHERE true GROUP BY 1, 2 ORDER BY 1, 2"
        " ON CONFLICT (model_version, subreddit) DO UPDATE"
        " SET count = a.count + excluded.count, total = a.total + excluded.total,"
        f" last_post_utc = {dialect.greatest}(a.last_post_utc, excluded.last_post_utc),"
        " updated_at = excluded.updated_at", nows=1, only_if=only_if))
    # A key whose every contribution was retracted holds nothing: it is not kept.
    for table in (*(f"agg_{name}" for name in BUCKETS), "agg_all"):
        out.append(Step(f"DELETE FROM {table} WHERE count = 0", only_if=prune_if))
    # The newest post a subreddit counts may be one just taken out.
    out.append(Step(
        "UPDATE agg_all SET last_post_utc = (SELECT p.created_utc FROM posts AS p"
        " JOIN scores AS s ON s.post_id = p.id AND s.model_version = agg_all.model_version"
        " WHERE p.subreddit_key = agg_all.subreddit AND s.retracted_at IS NULL"
        " AND p.removed = '' ORDER BY p.created_utc DESC LIMIT 1)"
        " WHERE (model_version, subreddit) IN (SELECT model_version, subreddit"
        " FROM contributions WHERE sign < 0)", only_if=prune_if))
    if dialect.name == "sqlite":  # PostgreSQL empties it at commit
        out.append(Step("DELETE FROM contributions", only_if=only_if))
    return out


def drive(dialect: Dialect, rows: list[tuple], document: str | bytes | None, now: float,
          setup: bool = True) -> Generator[tuple[Step, tuple], Any, AddedScores]:
    r"""Run the path: yields each statement with its parameters; the caller executes it
    and sends back its row count (a probe: its one value). ``rows`` are the batch's
    :func:`document_row`\ s, ``document`` their encoding. ``setup`` runs the
    statements that create the temporary tables."""
    figures = yield from run(steps(dialect, document is not None), batch_figures(rows),
                             document, now, setup)
    return AddedScores(figures["new"], figures["waiting"], figures["superseded"],
                       figures["retracted"])


def run(path: list[Step], known: dict[str, int], document: str | bytes | None, now: float,
        setup: bool = True) -> Generator[tuple[Step, tuple], Any, Counter[str]]:
    """Yield each statement of ``path`` that can change something, given the figures
    ``known`` beforehand and those the statements run so far add; return the figures."""
    figures: Counter[str] = Counter(known)
    for step in path:
        if (step.setup and not setup) or (
                step.only_if and not any(figures[name] for name in step.only_if)):
            continue
        params = (document,) if step.document else (now,) * step.nows
        value = yield step, params
        if step.probe:
            figures[step.probe] = int(value or 0)
        elif step.counts:
            figures[step.counts] += value
    return figures


def _now(dialect: Dialect) -> str:
    return "?" if dialect.name == "sqlite" else "%s"
