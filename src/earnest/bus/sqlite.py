"""The embedded bus: an append-only log per topic in a SQLite file.

Each published batch is one row of its topic's table, its records packed together
(msgpack), keyed by the offsets of its first and last record; offsets count
records from 1 and have no gaps. Each consumer group keeps its committed offset
in ``offsets``. Appends and commits are transactions on the file's single writer.

Packing matters beyond size: SQLite gives up Python's GIL around each statement
step, and a step per record would make the writer thread queue for the GIL a
thousand times per batch behind the event loop. One row per batch is one step.

A process that publishes wakes its own consumers at once; consumers in other
processes notice within ``poll_interval``. One replica per group: use RabbitMQ
for replicas. A group that has never consumed starts from the first record, so
the log needs no list of the groups that read it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future

import msgspec

from earnest.bus.base import Batch, Bus, Consumer
from earnest.errors import BackendError
from earnest.sqlite_db import SqliteDatabase

RECORDS_PER_ROW = 1000

log = logging.getLogger(__name__)

_pack = msgspec.msgpack.Encoder().encode
_unpack = msgspec.msgpack.Decoder(list[bytes]).decode


def _table(topic: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", topic):
        raise ValueError(f"invalid topic name {topic!r}")
    return "log_" + topic.replace("-", "_")


def _create_log(conn: sqlite3.Connection, table: str) -> None:
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {table} (last INTEGER PRIMARY KEY,"
        " first INTEGER NOT NULL, records BLOB NOT NULL)"
    )
    _upgrade_unpacked_log(conn, table)


def _upgrade_unpacked_log(conn: sqlite3.Connection, table: str) -> None:
    """Pack a log written one row per record (``topic_*``, seq = offset) into ``table``."""
    old = "topic_" + table.removeprefix("log_")
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (old,)).fetchone()
    if not exists:
        return
    chunk: list[tuple[int, bytes]] = []

    def flush() -> None:
        if chunk:
            conn.execute(f"INSERT INTO {table} VALUES (?, ?, ?)",
                         (chunk[-1][0], chunk[0][0], _pack([p for _, p in chunk])))
            chunk.clear()

    for seq, payload in conn.execute(f"SELECT seq, payload FROM {old} ORDER BY seq"):
        if chunk and (seq != chunk[-1][0] + 1 or len(chunk) == RECORDS_PER_ROW):
            flush()
        chunk.append((seq, payload))
    flush()
    conn.execute(f"DROP TABLE {old}")


class SqliteBus(Bus):
    """The topics of one SQLite file; the caller opens ``db`` and closes it after the bus."""

    def __init__(self, db: SqliteDatabase, poll_interval: float = 0.05) -> None:
        self._db = db
        self.poll_interval = poll_interval
        self._created: set[str] = set()
        self._published: dict[str, asyncio.Event] = {}

    async def start(self) -> None:
        def create(conn: sqlite3.Connection) -> None:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS offsets (topic TEXT NOT NULL, grp TEXT NOT NULL,"
                " position INTEGER NOT NULL, PRIMARY KEY (topic, grp)) WITHOUT ROWID"
            )

        await self._db.write(create)

    async def close(self) -> None:
        """Nothing to let go of: the database is the caller's."""

    async def _ensure_topic(self, topic: str) -> str:
        table = _table(topic)
        if table not in self._created:
            await self._db.write(functools.partial(_create_log, table=table))
            self._created.add(table)
        return table

    def _event(self, topic: str) -> asyncio.Event:
        return self._published.setdefault(topic, asyncio.Event())

    async def publish(self, topic: str, payloads: Sequence[bytes]) -> None:
        if not payloads:
            return
        table = await self._ensure_topic(topic)
        chunks = [payloads[i : i + RECORDS_PER_ROW]
                  for i in range(0, len(payloads), RECORDS_PER_ROW)]
        packed = [(len(chunk), _pack(chunk)) for chunk in chunks]

        def append(conn: sqlite3.Connection) -> None:
            head = conn.execute(f"SELECT coalesce(max(last), 0) FROM {table}").fetchone()[0]
            rows = []
            for count, records in packed:
                rows.append((head + count, head + 1, records))
                head += count
            conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)

        await self._db.write(append)
        self._event(topic).set()

    def consumer(self, topic: str, group: str) -> Consumer:
        return SqliteConsumer(self, topic, group)

    async def lag(self, topic: str, group: str) -> int | None:
        table = await self._ensure_topic(topic)

        def read(conn: sqlite3.Connection) -> int:
            head = conn.execute(f"SELECT coalesce(max(last), 0) FROM {table}").fetchone()[0]
            row = conn.execute(
                "SELECT position FROM offsets WHERE topic = ? AND grp = ?", (topic, group)
            ).fetchone()
            return int(head - (row[0] if row else 0))

        return await self._db.read(read)


class SqliteConsumer(Consumer):
    def __init__(self, bus: SqliteBus, topic: str, group: str) -> None:
        self._bus = bus
        self._topic = topic
        self._group = group
        self._position: int | None = None  # highest offset handed out
        self._committed = 0
        self._redeliveries: dict[int, int] = {}
        self._pending: Future[object] | None = None  # the last position write, if queued

    async def _load_position(self) -> int:
        table = await self._bus._ensure_topic(self._topic)
        topic, group = self._topic, self._group

        def load(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO offsets (topic, grp, position) VALUES (?, ?, 0)"
                " ON CONFLICT DO NOTHING",
                (topic, group),
            )
            row = conn.execute(
                "SELECT position FROM offsets WHERE topic = ? AND grp = ?", (topic, group)
            ).fetchone()
            return int(row[0])

        self._table = table
        self._committed = await self._bus._db.write(load)
        return self._committed

    async def fetch(self, max_records: int, timeout: float) -> Batch | None:
        if self._position is None:
            self._position = await self._load_position()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        event = self._bus._event(self._topic)
        while True:
            event.clear()
            after = self._position
            rows = await self._bus._db.read(
                functools.partial(self._read, after, max(1, max_records))
            )
            payloads = self._records(rows, after, max(1, max_records))
            if payloads:
                first, self._position = after + 1, after + len(payloads)
                attempts = [1 + self._redeliveries.get(offset, 0)
                            for offset in range(first, self._position + 1)]
                return Batch(payloads, attempts, handle=(first, self._position))
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(event.wait(), min(remaining, self._bus.poll_interval))
            except TimeoutError:
                pass

    def _read(self, after: int, limit: int, conn: sqlite3.Connection) -> list:
        """The rows holding offsets ``after + 1`` to ``after + limit``."""
        return conn.execute(
            f"SELECT first, records FROM {self._table} WHERE last > ? AND first <= ?"
            " ORDER BY last",
            (after, after + limit),
        ).fetchall()

    @staticmethod
    def _records(rows: list, after: int, limit: int) -> list[bytes]:
        payloads: list[bytes] = []
        for first, records in rows:
            start = max(0, after + 1 - first)
            payloads.extend(_unpack(records)[start : start + limit - len(payloads)])
        return payloads

    async def commit(self, batch: Batch) -> None:
        """Queue the new position on the writer and return without waiting for it.

        The batch's effects are durable already; the position only saves work on a
        restart, so the stage fetches on while it is written. A failed write is
        reported by the next commit (or close) and costs a redelivery, never a record.
        """
        await self._written()
        last = batch.handle[1]
        topic, group = self._topic, self._group
        self._pending = self._bus._db.submit(
            lambda conn: conn.execute(
                "UPDATE offsets SET position = ? WHERE topic = ? AND grp = ? AND position < ?",
                (last, topic, group, last),
            )
        )
        self._committed = max(self._committed, last)
        if self._redeliveries:
            for seq in range(batch.handle[0], last + 1):
                self._redeliveries.pop(seq, None)

    async def _written(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            await asyncio.wrap_future(pending)

    async def close(self) -> None:
        try:
            await self._written()
        except BackendError as exc:  # the next start redelivers from the saved position
            log.warning("%s: could not save the position of %s: %s", self._group, self._topic,
                        exc)

    async def release(self, batch: Batch) -> None:
        first, last = batch.handle
        for seq in range(first, last + 1):
            self._redeliveries[seq] = self._redeliveries.get(seq, 0) + 1
        self._position = self._committed
