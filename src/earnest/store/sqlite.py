"""The embedded store: every table in one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Collection, Generator, Sequence
from typing import Any, TypeVar

import msgspec

from earnest.errors import DataRejected, NotFound, StateConflict
from earnest.records import DeadLetter, Post, Score
from earnest.sqlite_db import SqliteDatabase
from earnest.store import base, changes, post_writes, queries, registry_sql, score_writes
from earnest.store.migrations import migrations

# Batches travel into SQLite as one JSON document per statement: SQLite releases
# Python's GIL around each statement step, and executemany's step per row would make
# the writer queue for the GIL behind the event loop once per row. A NUL character
# would end a string inside SQLite's JSON functions; the data contract keeps NUL out
# of every record, and a batch holding one anyway is refused rather than cut short.
_POST_COLUMNS = ("id", "subreddit", "subreddit_key", "title", "selftext", "url", "permalink",
                 "created_utc", "score", "num_comments", "over_18", "removed", "observed_at",
                 "published_at", "content_hash")
_INSERT_POSTS = (
    f"INSERT INTO posts ({', '.join(_POST_COLUMNS)}, stored_at) SELECT "
    + ", ".join(f"value ->> {i}" for i in range(len(_POST_COLUMNS)))
    + ", ?2 FROM json_each(?1) WHERE true ON CONFLICT DO NOTHING"
)
_STORED_POSTS = (
    f"SELECT {', '.join('p.' + c for c in post_writes.STORED_COLUMNS)}"
    " FROM json_each(?1) AS j JOIN posts AS p ON p.id = j.value"
)
_REVISE_POSTS = (
    "UPDATE posts SET observed_at = u.value ->> 1, removed = u.value ->> 2,"
    " score = u.value ->> 3, num_comments = u.value ->> 4, over_18 = u.value ->> 5"
    " FROM json_each(?1) AS u WHERE posts.id = u.value ->> 0"
)
_LOAD_FLIPS = "INSERT INTO post_flips SELECT value ->> 0, value ->> 1 FROM json_each(?1)"

_EXPIRE_WAITING = (
    "DELETE FROM pending_scores WHERE since < ?1 AND post_id NOT IN (SELECT id FROM posts)"
    " RETURNING post_id, model_version, post_hash, seriousness, subreddit, created_utc"
)
_INSERT_LETTERS = (
    "INSERT INTO dead_letters (key, stage, reason, raw, at, origin) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO NOTHING"
)
_NUL = b"\\u0000"
T = TypeVar("T")
_json = msgspec.json.Encoder().encode


def _refuse_nul(document: bytes, what: str) -> None:
    if _NUL in document:
        raise DataRejected(f"{what} hold a NUL character, which the data contract forbids")


def _insert_letters(conn: sqlite3.Connection, letters: Sequence[DeadLetter]) -> None:
    conn.executemany(_INSERT_LETTERS, [(base.dead_letter_key(d), d.stage, d.reason, d.raw, d.at,
                                        d.origin) for d in letters])


def _add_scores(conn: sqlite3.Connection, rows: list[tuple], document: bytes | None
                ) -> base.AddedScores:
    """:mod:`earnest.store.score_writes` on the writer's connection, whose temporary
    tables :func:`_migrate` made."""
    return _drive(conn, score_writes.drive(score_writes.SQLITE, rows, document, time.time(),
                                           setup=False))


def _make_live(conn: sqlite3.Connection, version: str) -> None:
    now = time.time()
    conn.execute(registry_sql.DEMOTE_LIVE, (now, version))
    conn.execute(registry_sql.MAKE_LIVE, (now, now, version))


def _run(conn: sqlite3.Connection, steps: list[score_writes.Step]) -> None:
    _drive(conn, score_writes.run(steps, {}, None, time.time(), setup=False))


def _drive(conn: sqlite3.Connection, path: Generator[tuple[score_writes.Step, tuple], Any, T]
           ) -> T:
    """Execute each statement ``path`` yields, sending back its row count (or value)."""
    value = None
    try:
        while True:
            step, params = path.send(value)
            cur = conn.execute(step.sql, params)
            value = cur.fetchone()[0] if step.probe else cur.rowcount
    except StopIteration as done:
        return done.value


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    for name, sql in migrations("sqlite"):
        if name in done:
            continue
        for statement in filter(str.strip, sql.split(";")):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
    # The writer's connection lives as long as the store: its temporary tables too.
    for statement in score_writes.temp_tables(score_writes.SQLITE):
        conn.execute(statement)
    conn.execute(post_writes.flips_table(score_writes.SQLITE))


class SqliteStore(queries.SqlReads, base.Store):
    """Every table in one SQLite file; the caller opens ``db`` and closes it after the store."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def start(self) -> None:
        await self._db.write(_migrate)  # no bump: the table may not be there yet

    async def close(self) -> None:
        """Nothing to let go of: the database is the caller's."""

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` in a write transaction that bumps the data version if ``fn`` changed a
        row (:mod:`earnest.store.changes`)."""
        def write(conn: sqlite3.Connection) -> tuple[T, bool]:
            before = conn.total_changes
            value = fn(conn)
            changed = conn.total_changes != before
            if changed:
                conn.execute(changes.BUMP_SQLITE)
            return value, changed

        value, changed = await self._db.write(write)
        if changed:
            self.committed_changes += 1
        return value

    async def data_version(self) -> int:
        return await self._db.read(lambda conn: conn.execute(changes.READ_SQLITE).fetchone()[0])

    async def add_posts(self, posts: Sequence[Post]) -> base.AddedPosts:
        batch = base.PostBatch.of(posts)
        if not posts:
            return base.AddedPosts(0, [])
        rows = [
            (p.id, p.subreddit, base.subreddit_key(p.subreddit), p.title, p.selftext, p.url,
             p.permalink, p.created_utc, p.score, p.num_comments, int(p.over_18), p.removed,
             p.observed_at, p.published_at, digest)
            for p, digest in batch.unique
        ]
        document = _json(rows)
        _refuse_nul(document, "posts")

        def insert(conn: sqlite3.Connection) -> base.AddedPosts:
            before = conn.total_changes
            conn.execute(_INSERT_POSTS, (document, time.time()))
            new = conn.total_changes - before
            if not batch.may_revise(new):
                return base.AddedPosts(new, [])
            ids = _json([p.id for p, _ in batch.unique])
            stored = {row[0]: post_writes.Stored.of(row)
                      for row in conn.execute(_STORED_POSTS, (ids,))}
            revisions = post_writes.plan(posts, stored)
            if revisions.updates:
                conn.execute(_REVISE_POSTS, (_json(revisions.updates),))
            if revisions.flips:
                conn.execute(_LOAD_FLIPS, (_json(revisions.flips),))
                _run(conn, post_writes.flip_steps(score_writes.SQLITE))
                conn.execute("DELETE FROM post_flips")
            return revisions.added(new)

        return await self._write(insert)

    async def add_scores(self, scores: Sequence[Score]) -> base.AddedScores:
        rows = [score_writes.document_row(s) for s in scores]
        document = _json(rows) if rows else None
        if document is not None:
            _refuse_nul(document, "scores")
        return await self._write(lambda conn: _add_scores(conn, rows, document))

    async def expire_waiting_scores(self, older_than: float, stage: str) -> int:
        def expire(conn: sqlite3.Connection) -> int:
            rows = conn.execute(_EXPIRE_WAITING, (time.time() - older_than,)).fetchall()
            _insert_letters(conn, [base.unclaimed_score(stage, older_than, *row) for row in rows])
            return len(rows)

        return await self._write(expire)

    async def add_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        if letters:
            await self._write(lambda conn: _insert_letters(conn, letters))

    async def add_gaps(self, gaps: Sequence[base.Gap]) -> None:
        rows = [(g.subreddit, g.start, g.end, g.found_at) for g in gaps]
        if rows:
            await self._write(lambda conn: conn.executemany(
                "INSERT INTO gaps (subreddit, start_utc, end_utc, found_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING", rows))

    async def gaps(self, limit: int) -> list[base.Gap]:
        rows = await self._db.read(lambda conn: conn.execute(
            "SELECT subreddit, start_utc, end_utc, found_at FROM gaps WHERE filled_at IS NULL"
            " ORDER BY found_at DESC, subreddit LIMIT ?", (limit,)).fetchall())
        return [base.Gap(*row) for row in rows]

    async def fill_gaps(self, subreddits: Collection[str], start: float, end: float) -> int:
        keys = json.dumps(sorted({base.subreddit_key(s) for s in subreddits}))
        return await self._write(lambda conn: conn.execute(
            "UPDATE gaps SET filled_at = ? WHERE filled_at IS NULL AND start_utc >= ?"
            " AND end_utc <= ? AND (? = '[]' OR lower(subreddit) IN"
            " (SELECT value FROM json_each(?)))",
            (time.time(), start, end, keys, keys)).rowcount)

    async def get_checkpoint(self, name: str) -> dict[str, Any] | None:
        row = await self._db.read(
            lambda conn: conn.execute(
                "SELECT state FROM checkpoints WHERE name = ?", (name,)
            ).fetchone()
        )
        return json.loads(row[0]) if row else None

    async def put_checkpoint(self, name: str, state: dict[str, Any]) -> None:
        await self._write(
            lambda conn: conn.execute(
                "INSERT INTO checkpoints VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                " SET state = excluded.state, updated_at = excluded.updated_at",
                (name, json.dumps(state), time.time()),
            )
        )

    async def add_model(self, info: base.ModelInfo, artifact: bytes | None) -> bool:
        def add(conn: sqlite3.Connection) -> bool:
            inserted = conn.execute(
                "INSERT INTO models (version, path, metrics, created_at, state, card, artifact)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING",
                (info.version, info.path, json.dumps(info.metrics), info.created_at, info.state,
                 None if info.card is None else json.dumps(info.card), artifact),
            ).rowcount
            if not inserted:
                conn.execute(
                    "UPDATE models SET card = coalesce(card, ?), artifact = coalesce(artifact, ?)"
                    " WHERE version = ?",
                    (None if info.card is None else json.dumps(info.card), artifact,
                     info.version),
                )
            return bool(inserted)

        return await self._write(add)

    async def set_live(self, version: str) -> None:
        def promote(conn: sqlite3.Connection) -> None:
            if conn.execute(registry_sql.STATE_OF, (version,)).fetchone() is None:
                raise NotFound(f"no model version {version!r} is registered")
            _make_live(conn, version)

        await self._write(promote)

    async def set_model_state(self, version: str, state: str, expect: Collection[str]) -> None:
        def change(conn: sqlite3.Connection) -> None:
            changed = conn.execute(registry_sql.set_state(state, expect),
                                   (state, time.time(), version, *expect)).rowcount
            if not changed:
                found = conn.execute(registry_sql.STATE_OF, (version,)).fetchone()
                if found is None:
                    raise NotFound(f"no model version {version!r} is registered")
                raise StateConflict(registry_sql.refusal(version, found[0], state, expect))

        await self._write(change)

    async def switch_live(self, version: str) -> bool:
        def switch(conn: sqlite3.Connection) -> bool:
            found = conn.execute(registry_sql.STATE_OF, (version,)).fetchone()
            if found is None or found[0] not in (base.PROMOTING, base.LIVE):
                return False
            if found[0] == base.LIVE:
                return True
            live = conn.execute(registry_sql.LIVE_VERSION).fetchone()
            counted = conn.execute(registry_sql.COUNTED,
                                   (version, live[0] if live else version)).fetchall()
            if not registry_sql.caught_up(version, live[0] if live else None, counted):
                return False
            _make_live(conn, version)
            conn.execute(registry_sql.MARK_SWITCHED, (time.time(), version))
            return True

        return await self._write(switch)

    async def start_backfill(self, backfill: base.Backfill) -> None:
        await self._write(lambda conn: conn.execute(
            registry_sql.START_BACKFILL, registry_sql.start_params(backfill)))

    async def backfills(self) -> list[base.Backfill]:
        rows = await self._db.read(lambda conn: conn.execute(registry_sql.BACKFILLS).fetchall())
        return [registry_sql.backfill(r) for r in rows]

    async def claim_backfill(self, version: str, holder: str, until: float
                             ) -> base.Backfill | None:
        params = registry_sql.claim_params(version, holder, until, time.time())
        row = await self._write(
            lambda conn: conn.execute(registry_sql.CLAIM_BACKFILL, params).fetchone())
        return registry_sql.backfill(row) if row else None

    async def save_backfill(self, backfill: base.Backfill) -> bool:
        params = registry_sql.save_params(backfill)
        changed = await self._write(
            lambda conn: conn.execute(registry_sql.SAVE_BACKFILL, params).rowcount)
        return bool(changed)

    async def unscored_posts(self, version: str, after: str, limit: int
                             ) -> list[base.UnscoredPost]:
        rows = await self._db.read(lambda conn: conn.execute(
            registry_sql.UNSCORED_POSTS, (after, version, limit)).fetchall())
        return [registry_sql.unscored(r) for r in rows]

    async def model_artifact(self, version: str) -> bytes | None:
        row = await self._db.read(
            lambda conn: conn.execute(
                "SELECT artifact FROM models WHERE version = ?", (version,)
            ).fetchone()
        )
        return bytes(row[0]) if row and row[0] is not None else None

    async def active_model(self) -> base.ModelInfo | None:
        models = await self._models("WHERE state = 'live'")
        return models[0] if models else None

    async def models(self) -> list[base.ModelInfo]:
        return await self._models("")

    async def _models(self, where: str) -> list[base.ModelInfo]:
        rows = await self._db.read(
            lambda conn: conn.execute(
                f"SELECT {registry_sql.MODEL_COLUMNS} FROM models {where}"
                " ORDER BY created_at DESC"
            ).fetchall()
        )
        return [base.ModelInfo(v, p, json.loads(m), c, s, json.loads(card) if card else None,
                               changed, since)
                for v, p, m, c, s, card, changed, since in rows]

    dialect = queries.SQLITE

    async def _rows(self, *reads: queries.Read) -> list[list[tuple[Any, ...]]]:
        def read(conn: sqlite3.Connection) -> list[list[tuple[Any, ...]]]:
            if len(reads) == 1:
                return [conn.execute(*reads[0]).fetchall()]
            conn.execute("BEGIN")  # one snapshot for every read
            try:
                return [conn.execute(sql, params).fetchall() for sql, params in reads]
            finally:
                conn.execute("COMMIT")

        return await self._db.read(read)

    async def counts(self) -> base.Counts:
        def read(conn: sqlite3.Connection) -> base.Counts:
            posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
            # Every stored score is counted in agg_all exactly once (see verify), and this
            # sum is far cheaper than counting the scores table on each status poll.
            scores = conn.execute("SELECT coalesce(sum(count), 0) FROM agg_all").fetchone()[0]
            dead = conn.execute("SELECT count(*) FROM dead_letters").fetchone()[0]
            newest, updated = conn.execute(
                "SELECT max(last_post_utc), max(updated_at) FROM agg_all"
            ).fetchone()
            waiting = conn.execute("SELECT count(*) FROM pending_scores").fetchone()[0]
            return base.Counts(posts, scores, dead, newest, updated, waiting)

        return await self._db.read(read)

    async def training_posts(self, subreddits: Sequence[str]) -> list[tuple[str, str, str]]:
        keys = json.dumps([base.subreddit_key(s) for s in subreddits])
        return await self._db.read(
            lambda conn: conn.execute(
                "SELECT subreddit, title, selftext FROM posts"
                " WHERE subreddit_key IN (SELECT value FROM json_each(?))",
                (keys,),
            ).fetchall()
        )

    async def verify(self) -> list[str]:
        def check(conn: sqlite3.Connection) -> list[str]:
            conn.execute("BEGIN")  # one snapshot for every query below
            try:
                lines = []
                for c in queries.verify_checks(queries.SQLITE):
                    lines += queries.check_differences(
                        c.table, conn.execute(c.stored).fetchall(),
                        conn.execute(c.recomputed).fetchall())
                orphans = conn.execute(queries.ORPHAN_SCORES).fetchone()[0]
                return lines + queries.orphan_line(orphans)
            finally:
                conn.execute("COMMIT")

        return await self._db.read(check)

