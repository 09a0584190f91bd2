"""The services store: PostgreSQL through psycopg 3 (async).

Bulk writes send a batch as one JSON document and insert with ``INSERT … SELECT
FROM json_to_recordset(…) ON CONFLICT DO NOTHING``: one statement per batch,
however large.
:meth:`PostgresStore.add_scores` runs :mod:`earnest.store.score_writes`, the write
path both stores share, in one transaction: only the rows its statements really
changed are folded into the aggregates, one atomic upsert per key in key order, so
that parallel replicas lock rows in the same order and cannot deadlock.

Connections are opened on demand, a few at most, and a connection that breaks
(the server restarted, the network dropped) is thrown away with every idle one:
a read is tried once more on a new connection, a write fails with ``ConnectionLost``
(the stage loop retries it). A new connection waits up to ``reconnect_for`` seconds
(15) for a restarting server to accept it (:mod:`earnest.retry`: 0.1 s doubling to
2 s between tries), except in :meth:`PostgresStore.start`: a server that is down or
refuses us at start is reported at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Generator, Sequence
from typing import Any, TypeVar

import msgspec
import psycopg
from psycopg.types.json import Jsonb

from earnest.errors import (
    AuthenticationFailed,
    BackendError,
    BackendUnavailable,
    ConfigError,
    ConnectionLost,
    DataRejected,
    EarnestError,
    NotFound,
    StateConflict,
)
from earnest.records import DeadLetter, Post, Score
from earnest.retry import Backoff, retry
from earnest.store import changes, post_writes, queries, registry_sql, score_writes
from earnest.store.base import (
    LIVE,
    PROMOTING,
    AddedPosts,
    AddedScores,
    Backfill,
    Counts,
    Gap,
    ModelInfo,
    PostBatch,
    Store,
    UnscoredPost,
    dead_letter_key,
    subreddit_key,
    unclaimed_score,
)
from earnest.store.migrations import migrations

log = logging.getLogger(__name__)

_T = TypeVar("_T")

# Any constant will do, as long as every migrator of the database takes the same one.
_MIGRATION_LOCK = 0x6561726E657374  # "earnest"

# Rows travel as one JSON document per statement: msgspec encodes a batch in C, and
# psycopg's array adaptation (quoting or packing element by element in Python) cost
# the store workers more CPU than everything else they do.


class _PostRow(msgspec.Struct):
    id: str
    subreddit: str
    subreddit_key: str
    title: str
    selftext: str
    url: str
    permalink: str
    created_utc: float
    score: int
    num_comments: int
    over_18: bool
    removed: str
    observed_at: float
    published_at: float
    content_hash: str


class _LetterRow(msgspec.Struct):
    key: str
    stage: str
    reason: str
    raw: str
    at: float
    origin: str


_json = msgspec.json.Encoder()


def _rows(rows: Sequence[msgspec.Struct]) -> str:
    return _json.encode(rows).decode()


_INSERT_POSTS = """
INSERT INTO posts (id, subreddit, subreddit_key, title, selftext, url, permalink, created_utc,
                   score, num_comments, over_18, removed, observed_at, published_at,
                   content_hash, stored_at)
SELECT r.*, %s FROM json_to_recordset(%s::json) AS r(
    id text, subreddit text, subreddit_key text, title text, selftext text, url text,
    permalink text, created_utc float8, score bigint, num_comments bigint, over_18 bool,
    removed text, observed_at float8, published_at float8, content_hash text)
ORDER BY r.id
ON CONFLICT (id) DO NOTHING
"""

# Locked in id order: a revision is weighed against the latest committed copy, and
# concurrent batches lock the posts they share in one order.
_STORED_POSTS = f"""
SELECT {', '.join('p.' + c for c in post_writes.STORED_COLUMNS)}
FROM json_array_elements_text(%s::json) AS i(id) JOIN posts AS p ON p.id = i.id
ORDER BY p.id FOR UPDATE OF p
"""
_REVISE_POSTS = """
UPDATE posts AS p SET observed_at = (u.v ->> 1)::float8, removed = u.v ->> 2,
    score = (u.v ->> 3)::bigint, num_comments = (u.v ->> 4)::bigint,
    over_18 = (u.v ->> 5)::int <> 0
FROM json_array_elements(%s::json) AS u(v) WHERE p.id = u.v ->> 0
"""
_LOAD_FLIPS = """
INSERT INTO post_flips SELECT f.v ->> 0, (f.v ->> 1)::bigint
FROM json_array_elements(%s::json) AS f(v)
"""

_EXPIRE_WAITING = """
DELETE FROM pending_scores AS q
WHERE q.since < %s AND NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.id = q.post_id)
RETURNING q.post_id, q.model_version, q.post_hash, q.seriousness, q.subreddit, q.created_utc
"""

_INSERT_LETTERS = """
INSERT INTO dead_letters (key, stage, reason, raw, at, origin)
SELECT r.* FROM json_to_recordset(%s::json) AS r(
    key text, stage text, reason text, raw text, at float8, origin text)
ON CONFLICT (key) DO NOTHING
"""

# Tables grow from empty in a backfill; plans made with statistics of a small table turn
# into full scans on a large one, and autovacuum's analyze may come late. A store
# analyses a table itself once the rows it wrote grow it by this share (or more than
# ANALYZE_MIN_ROWS while it is small).
ANALYZE_GROWTH = 0.25
ANALYZE_MIN_ROWS = 5_000
_ANALYZED_TOGETHER = {"posts": "posts", "scores": "scores, agg_5m, agg_1h, agg_all"}


def _say(exc: BaseException) -> str:
    """The first line of a driver message (libpq adds hints on further lines)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _connect_error(exc: psycopg.Error, where: str, user: str | None) -> EarnestError:
    """What a failed connection attempt means, in words that say what to fix."""
    # libpq gives these no SQLSTATE: its words are all there is.
    reason = re.sub(r"^.*(?:failed|is bad):\s*(?:FATAL:\s*)?", "", _say(exc))
    if missing := re.search(r'database "(.*)" does not exist', reason):
        return ConfigError(f'PostgreSQL at {where} has no database "{missing[1]}"; create it '
                           "or fix the database name in EARNEST_DATABASE_URL")
    if any(words in reason for words in ("authentication failed", "does not exist",
                                         "no password supplied", "pg_hba.conf")):
        of_user = f" of user {user!r}" if user else ""  # else libpq's words name it
        return AuthenticationFailed(f"PostgreSQL refused the login{of_user} at {where} "
                                    f"({reason}); check the user and password in "
                                    "EARNEST_DATABASE_URL")
    if str(exc).startswith("connection is bad"):  # libpq rejected the URL's parameters
        return ConfigError(f"EARNEST_DATABASE_URL is not a valid PostgreSQL URL ({reason})")
    return BackendUnavailable(f"cannot reach PostgreSQL at {where} ({reason}); is it running? "
                              "Check the host and port in EARNEST_DATABASE_URL")


def _parameters(url: str) -> dict[str, Any]:
    """The connection parameters of ``url``; one that libpq cannot parse is a ConfigError."""
    try:
        return psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:  # libpq quotes the URL, password and all
        raise ConfigError("EARNEST_DATABASE_URL is not a valid PostgreSQL URL "
                          f"({_say(exc).replace(url, '…')})") from exc


class _Connections:
    """Up to ``size`` connections to one database, opened when needed."""

    def __init__(self, url: str, size: int, timeout: float, reconnect_for: float,
                 start_timeout: float) -> None:
        params = _parameters(url)
        # psycopg prepares a statement on its 6th execution, and PostgreSQL may then
        # switch it to a generic plan, blind to the parameters: /subreddit/jokes?limit=500
        # went from 30 ms to 1.3 s. Custom plans see them; statements stay prepared.
        options = f"{params.get('options') or ''} -c plan_cache_mode=force_custom_plan"
        self._conninfo = psycopg.conninfo.make_conninfo(url, options=options.strip())
        self._where = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        self._user = params.get("user")
        self._size = size
        self._timeout = timeout
        self._reconnect_for = reconnect_for
        self._start_timeout = start_timeout
        self._reached = False
        self._idle: list[psycopg.AsyncConnection] = []
        self._in_use = 0
        self._returned = asyncio.Condition()

    async def _connect(self) -> psycopg.AsyncConnection:
        # A server reached before that now refuses connections is most likely restarting:
        # wait that out, so a restart costs callers a pause rather than an error. One
        # never reached is misconfigured or down: that is reported at once (a supervisor
        # restarts the process), and so is a refusal that waiting cannot change.
        reached = self._reached
        timeout = self._timeout if reached else self._start_timeout

        async def attempt() -> psycopg.AsyncConnection:
            try:
                return await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, connect_timeout=max(2, round(timeout))
                )
            except psycopg.Error as exc:
                raise _connect_error(exc, self._where, self._user) from exc

        waits = Backoff(0.1, 2.0, give_up_after=self._reconnect_for if reached else 0.0)
        try:
            conn = await retry(attempt, waits)
        except ConfigError as exc:  # refused: waiting cannot change that
            if reached:  # the batch in hand is held, not failed
                raise BackendUnavailable(str(exc)) from exc
            raise
        self._reached = True
        return conn

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        """A connection for one call; driver errors come out as ``BackendError``."""
        conn = await self._acquire()
        try:
            yield conn
        except psycopg.Error as exc:
            if conn.broken or conn.closed:
                await self._drop(conn, everything=True)
                raise ConnectionLost(f"lost the PostgreSQL connection: {_say(exc)}") from exc
            await self._release(conn)
            # Data the server refuses (a value it cannot hold, a constraint) fails alike
            # on every try; anything else (a deadlock, a serialization failure) may pass.
            refused = isinstance(exc, psycopg.DataError | psycopg.IntegrityError)
            kind = DataRejected if refused else BackendError
            raise kind(f"PostgreSQL error: {_say(exc)}") from exc
        except BaseException:
            # Cancelled mid-statement, or a bug: the session's state is unknown.
            await self._drop(conn)
            raise
        await self._release(conn)

    async def _acquire(self) -> psycopg.AsyncConnection:
        async with self._returned:
            await self._returned.wait_for(lambda: self._idle or self._in_use < self._size)
            self._in_use += 1
            if self._idle:
                return self._idle.pop()
        try:
            return await self._connect()
        except BaseException:
            await self._drop(None)
            raise

    async def _release(self, conn: psycopg.AsyncConnection) -> None:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            await self._drop(conn)
            return
        async with self._returned:
            self._in_use -= 1
            self._idle.append(conn)
            self._returned.notify()

    async def _drop(self, conn: psycopg.AsyncConnection | None, everything: bool = False) -> None:
        """Forget ``conn`` (and, after a lost connection, every idle one: likely dead too)."""
        doomed = [conn] if conn is not None else []
        async with self._returned:
            self._in_use -= 1
            if everything:
                doomed += self._idle
                self._idle = []
            self._returned.notify()
        for c in doomed:
            with contextlib.suppress(Exception):
                await c.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                await conn.close()


async def _drive(conn: psycopg.AsyncConnection,
                 path: Generator[tuple[score_writes.Step, tuple], Any, _T]) -> _T:
    """Execute each statement ``path`` yields, sending back its row count (or value)."""
    value = None
    try:
        while True:
            step, params = path.send(value)
            cur = await conn.execute(step.sql, params)
            value = (await cur.fetchone() or [0])[0] if step.probe else cur.rowcount
    except StopIteration as done:
        return done.value


async def _revise(conn: psycopg.AsyncConnection, posts: Sequence[Post], batch: PostBatch,
                  new: int) -> AddedPosts:
    """Weigh the batch against the stored posts of its ids (:mod:`earnest.store.post_writes`)
    and apply what changes, in the caller's transaction."""
    ids = _json.encode([p.id for p, _ in batch.unique]).decode()
    cur = await conn.execute(_STORED_POSTS, (ids,))
    stored = {row[0]: post_writes.Stored.of(row) for row in await cur.fetchall()}
    revisions = post_writes.plan(posts, stored)
    if revisions.flips:
        # Waits for the score batches in flight, and holds new ones back until commit.
        await conn.execute(f"SELECT pg_advisory_xact_lock({score_writes.REMOVALS_LOCK})")
    if revisions.updates:
        await conn.execute(_REVISE_POSTS, (_json.encode(revisions.updates).decode(),))
    if revisions.flips:
        setup = [*score_writes.temp_tables(score_writes.POSTGRES),
                 post_writes.flips_table(score_writes.POSTGRES)]
        for statement in setup:
            await conn.execute(statement)
        await conn.execute(_LOAD_FLIPS, (_json.encode(revisions.flips).decode(),))
        await _drive(conn, score_writes.run(post_writes.flip_steps(score_writes.POSTGRES), {},
                                            None, time.time()))
    return revisions.added(new)


class PostgresStore(queries.SqlReads, Store):
    """Every table in one PostgreSQL database, given by a ``postgresql://`` URL."""

    def __init__(self, url: str, *, connections: int = 4, connect_timeout: float = 5.0,
                 reconnect_for: float = 15.0, start_timeout: float = 3.0) -> None:
        self._connections = _Connections(url, connections, connect_timeout, reconnect_for,
                                         start_timeout)
        self._unanalyzed: dict[str, int] = {}
        self._analyzed_rows: dict[str, int] = {}

    async def start(self) -> None:
        async with self._connections.connection() as conn, conn.transaction():
            await self._migrate(conn)

    async def close(self) -> None:
        await self._connections.close()

    @staticmethod
    async def _migrate(conn: psycopg.AsyncConnection) -> None:
        # The lock serialises replicas that start together; it ends with the transaction.
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (name text PRIMARY KEY, applied_at double precision NOT NULL)"
        )
        cur = await conn.execute("SELECT name FROM schema_migrations")
        done = {row[0] for row in await cur.fetchall()}
        for name, sql in migrations("postgres"):
            if name not in done:
                await conn.execute(sql)
                # Once per migration in the database's life: never worth preparing.
                await conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)",
                                   (name, time.time()), prepare=False)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncConnection]:
        """A write transaction; it bumps the data version last, if it wrote anything
        (:mod:`earnest.store.changes`), so the counter's row lock is held only to commit."""
        bumped = 0
        async with self._connections.connection() as conn, conn.transaction():
            yield conn
            bumped = (await conn.execute(changes.BUMP_POSTGRES)).rowcount
        if bumped:
            self.committed_changes += 1

    async def data_version(self) -> int:
        (row,) = await self._fetch(changes.READ_POSTGRES)
        return int(row[0])

    async def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async def fetch(conn: psycopg.AsyncConnection) -> list[tuple[Any, ...]]:
            cur = await conn.execute(sql, params)
            return await cur.fetchall()

        return await self._read(fetch)

    async def _read(self, read: Callable[[psycopg.AsyncConnection], Awaitable[_T]],
                    snapshot: bool = False) -> _T:
        """``read(conn)``, tried once more if its connection turns out to be lost.

        A pooled connection is found dead only when used, as the first time after a
        PostgreSQL restart; every idle one went with it, so the second try connects
        afresh. Only reads are tried again here: the stage loop retries writes. With
        ``snapshot``, every query of ``read`` sees the same snapshot.
        """
        try:
            return await self._read_once(read, snapshot)
        except ConnectionLost:
            return await self._read_once(read, snapshot)

    async def _read_once(self, read: Callable[[psycopg.AsyncConnection], Awaitable[_T]],
                         snapshot: bool) -> _T:
        async with self._connections.connection() as conn:
            if not snapshot:
                return await read(conn)
            async with conn.transaction():
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return await read(conn)

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement in its own transaction (tests use it to tamper with tables)."""
        async with self._transaction() as conn:
            await conn.execute(sql, params)

    # --- pipeline writes -------------------------------------------------------------

    async def add_posts(self, posts: Sequence[Post]) -> AddedPosts:
        batch = PostBatch.of(posts)
        if not posts:
            return AddedPosts(0, [])
        rows = [
            _PostRow(p.id, p.subreddit, subreddit_key(p.subreddit), p.title, p.selftext, p.url,
                     p.permalink, p.created_utc, p.score, p.num_comments, p.over_18,
                     p.removed, p.observed_at, p.published_at, digest)
            for p, digest in batch.unique
        ]
        async with self._transaction() as conn:
            cur = await conn.execute(_INSERT_POSTS, (time.time(), _rows(rows)))
            added = AddedPosts(cur.rowcount, [])
            if batch.may_revise(added.new):
                added = await _revise(conn, posts, batch, added.new)
        await self._analyze_if_grown("posts", added.new)
        return added

    async def add_scores(self, scores: Sequence[Score]) -> AddedScores:
        rows = [score_writes.document_row(s) for s in scores]
        document = _json.encode(rows).decode() if rows else None
        path = score_writes.drive(score_writes.POSTGRES, rows, document, time.time())
        async with self._transaction() as conn:
            added = await _drive(conn, path)
        await self._analyze_if_grown("scores", added.new)
        return added

    async def expire_waiting_scores(self, older_than: float, stage: str) -> int:
        async with self._transaction() as conn:
            cur = await conn.execute(_EXPIRE_WAITING, (time.time() - older_than,))
            letters = [unclaimed_score(stage, older_than, *row) for row in await cur.fetchall()]
            if letters:
                await conn.execute(_INSERT_LETTERS, (_letter_rows(letters),))
        return len(letters)

    async def _analyze_if_grown(self, table: str, written: int) -> None:
        """ANALYZE ``table`` (and what grows with it) once this store grew it enough."""
        self._unanalyzed[table] = self._unanalyzed.get(table, 0) + written
        rows = self._analyzed_rows.get(table, 0)
        if self._unanalyzed[table] < max(ANALYZE_MIN_ROWS, ANALYZE_GROWTH * rows):
            return
        self._analyzed_rows[table] = rows + self._unanalyzed.pop(table)
        try:
            await self._execute(f"ANALYZE {_ANALYZED_TOGETHER[table]}")
        except BackendError as exc:  # e.g. another replica analysing at the same moment
            log.info("could not analyse %s (the next growth will): %s", table, exc)

    async def add_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        if not letters:
            return
        await self._execute(_INSERT_LETTERS, (_letter_rows(letters),))

    async def add_gaps(self, gaps: Sequence[Gap]) -> None:
        if gaps:
            await self._execute(
                "INSERT INTO gaps (subreddit, start_utc, end_utc, found_at) SELECT * FROM"
                " unnest(%s::text[], %s::float8[], %s::float8[], %s::float8[])"
                " ON CONFLICT DO NOTHING",
                ([g.subreddit for g in gaps], [g.start for g in gaps], [g.end for g in gaps],
                 [g.found_at for g in gaps]))

    async def gaps(self, limit: int) -> list[Gap]:
        rows = await self._fetch(
            "SELECT subreddit, start_utc, end_utc, found_at FROM gaps WHERE filled_at IS NULL"
            " ORDER BY found_at DESC, subreddit LIMIT %s", (limit,))
        return [Gap(*row) for row in rows]

    async def fill_gaps(self, subreddits: Collection[str], start: float, end: float) -> int:
        keys = sorted({subreddit_key(s) for s in subreddits})
        async with self._transaction() as conn:
            cur = await conn.execute(
                "UPDATE gaps SET filled_at = %s WHERE filled_at IS NULL AND start_utc >= %s"
                " AND end_utc <= %s AND (cardinality(%s::text[]) = 0"
                " OR lower(subreddit) = ANY(%s::text[]))",
                (time.time(), start, end, keys, keys))
            return cur.rowcount

    async def get_checkpoint(self, name: str) -> dict[str, Any] | None:
        rows = await self._fetch("SELECT state FROM checkpoints WHERE name = %s", (name,))
        return rows[0][0] if rows else None

    async def put_checkpoint(self, name: str, state: dict[str, Any]) -> None:
        await self._execute(
            "INSERT INTO checkpoints VALUES (%s, %s, %s) ON CONFLICT (name) DO UPDATE"
            " SET state = excluded.state, updated_at = excluded.updated_at",
            (name, Jsonb(state), time.time()),
        )

    # --- models ----------------------------------------------------------------------

    async def add_model(self, info: ModelInfo, artifact: bytes | None) -> bool:
        card = None if info.card is None else Jsonb(info.card)
        async with self._transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO models (version, path, metrics, created_at, state, card, artifact)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (version) DO NOTHING",
                (info.version, info.path, Jsonb(info.metrics), info.created_at, info.state,
                 card, artifact),
            )
            if cur.rowcount:
                return True
            await conn.execute(
                "UPDATE models SET card = coalesce(card, %s), artifact = coalesce(artifact, %s)"
                " WHERE version = %s",
                (card, artifact, info.version),
            )
            return False

    async def set_live(self, version: str) -> None:
        async with self._transaction() as conn:
            if await _state_for_update(conn, version) is None:
                raise NotFound(f"no model version {version!r} is registered")
            await _make_live(conn, version)

    async def set_model_state(self, version: str, state: str, expect: Collection[str]) -> None:
        async with self._transaction() as conn:
            cur = await conn.execute(_pg(registry_sql.set_state(state, expect)),
                                     (state, time.time(), version, *expect))
            if cur.rowcount:
                return
            found = await _state_for_update(conn, version)
            if found is None:
                raise NotFound(f"no model version {version!r} is registered")
            raise StateConflict(registry_sql.refusal(version, found, state, expect))

    async def switch_live(self, version: str) -> bool:
        async with self._transaction() as conn:
            # Both versions' rows locked: a rollback or another switch waits for this one.
            cur = await conn.execute(
                "SELECT version, state FROM models WHERE version = %s OR state = 'live'"
                " ORDER BY version FOR UPDATE", (version,))
            states = dict(await cur.fetchall())
            if states.get(version) not in (PROMOTING, LIVE):
                return False
            if states[version] == LIVE:
                return True
            live = next((v for v, s in states.items() if s == LIVE), None)
            cur = await conn.execute(_pg(registry_sql.COUNTED), (version, live or version))
            if not registry_sql.caught_up(version, live, await cur.fetchall()):
                return False
            await _make_live(conn, version)
            await conn.execute(_pg(registry_sql.MARK_SWITCHED), (time.time(), version))
            return True

    async def start_backfill(self, backfill: Backfill) -> None:
        await self._execute(_pg(registry_sql.START_BACKFILL), registry_sql.start_params(backfill))

    async def backfills(self) -> list[Backfill]:
        return [registry_sql.backfill(r) for r in await self._fetch(registry_sql.BACKFILLS)]

    async def claim_backfill(self, version: str, holder: str, until: float) -> Backfill | None:
        async with self._transaction() as conn:
            cur = await conn.execute(_pg(registry_sql.CLAIM_BACKFILL),
                                     registry_sql.claim_params(version, holder, until,
                                                               time.time()))
            row = await cur.fetchone()
        return registry_sql.backfill(row) if row else None

    async def save_backfill(self, backfill: Backfill) -> bool:
        async with self._transaction() as conn:
            cur = await conn.execute(_pg(registry_sql.SAVE_BACKFILL),
                                     registry_sql.save_params(backfill))
            return bool(cur.rowcount)

    async def unscored_posts(self, version: str, after: str, limit: int) -> list[UnscoredPost]:
        rows = await self._fetch(_pg(registry_sql.UNSCORED_POSTS), (after, version, limit))
        return [registry_sql.unscored(r) for r in rows]

    async def model_artifact(self, version: str) -> bytes | None:
        rows = await self._fetch("SELECT artifact FROM models WHERE version = %s", (version,))
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    async def active_model(self) -> ModelInfo | None:
        models = await self._models("WHERE state = 'live'")
        return models[0] if models else None

    async def models(self) -> list[ModelInfo]:
        return await self._models("")

    async def _models(self, where: str) -> list[ModelInfo]:
        rows = await self._fetch(
            f"SELECT {registry_sql.MODEL_COLUMNS} FROM models {where} ORDER BY created_at DESC"
        )
        return [ModelInfo(*row) for row in rows]

    # --- reads -----------------------------------------------------------------------

    dialect = queries.POSTGRES

    async def _rows(self, *reads: queries.Read) -> list[list[tuple[Any, ...]]]:
        async def read(conn: psycopg.AsyncConnection) -> list[list[tuple[Any, ...]]]:
            out = []
            for sql, params in reads:
                cur = await conn.execute(sql, params)
                out.append(await cur.fetchall())
            return out

        return await self._read(read, snapshot=len(reads) > 1)

    async def counts(self) -> Counts:
        rows = await self._fetch(
            # Scores counted in the aggregates, as SQLite's counts() (see verify).
            "SELECT (SELECT count(*) FROM posts), coalesce(sum(count), 0)::bigint,"
            " (SELECT count(*) FROM dead_letters), max(last_post_utc), max(updated_at),"
            " (SELECT count(*) FROM pending_scores) FROM agg_all"
        )
        return Counts(*rows[0])

    async def training_posts(self, subreddits: Sequence[str]) -> list[tuple[str, str, str]]:
        rows = await self._fetch(
            "SELECT subreddit, title, selftext FROM posts WHERE subreddit_key = ANY(%s::text[])",
            ([subreddit_key(s) for s in subreddits],),
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    async def verify(self) -> list[str]:
        return await self._read(_differences, snapshot=True)


_pg = registry_sql.postgres


async def _state_for_update(conn: psycopg.AsyncConnection, version: str) -> str | None:
    cur = await conn.execute(_pg(registry_sql.STATE_OF) + " FOR UPDATE", (version,))
    row = await cur.fetchone()
    return row[0] if row else None


async def _make_live(conn: psycopg.AsyncConnection, version: str) -> None:
    now = time.time()
    await conn.execute(_pg(registry_sql.DEMOTE_LIVE), (now, version))
    await conn.execute(_pg(registry_sql.MAKE_LIVE), (now, now, version))


def _letter_rows(letters: Sequence[DeadLetter]) -> str:
    return _rows([_LetterRow(dead_letter_key(d), d.stage, d.reason, d.raw, d.at, d.origin)
                  for d in letters])


async def _differences(conn: psycopg.AsyncConnection) -> list[str]:
    async def query(sql: str) -> list[tuple[Any, ...]]:
        cur = await conn.execute(sql)
        return await cur.fetchall()

    lines = []
    for c in queries.verify_checks(queries.POSTGRES):
        lines += queries.check_differences(c.table, await query(c.stored),
                                           await query(c.recomputed))
    (orphans,), = await query(queries.ORPHAN_SCORES)
    return lines + queries.orphan_line(orphans)
