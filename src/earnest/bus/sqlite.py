"""The embedded bus: an append-only log per topic in a SQLite file.

Each topic is a table whose rowid is the record's offset; each consumer group
keeps its committed position in ``offsets``. Appends and commits are
transactions on the file's single writer. A process that publishes wakes its
own consumers at once; consumers in other processes notice within
``poll_interval``. One replica per group: use RabbitMQ for replicas.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
from collections.abc import Sequence

from earnest.bus.base import Batch, Bus, Consumer
from earnest.sqlite_db import SqliteDatabase, path_from_url


def _table(topic: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", topic):
        raise ValueError(f"invalid topic name {topic!r}")
    return "topic_" + topic.replace("-", "_")


class SqliteBus(Bus):
    def __init__(self, url: str, poll_interval: float = 0.05) -> None:
        self._db = SqliteDatabase.open(path_from_url(url))
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
        self._db.release()

    async def _ensure_topic(self, topic: str) -> str:
        table = _table(topic)
        if table not in self._created:
            await self._db.write(
                lambda conn: conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} "
                    "(seq INTEGER PRIMARY KEY AUTOINCREMENT, payload BLOB NOT NULL)"
                )
            )
            self._created.add(table)
        return table

    def _event(self, topic: str) -> asyncio.Event:
        return self._published.setdefault(topic, asyncio.Event())

    async def publish(self, topic: str, payloads: Sequence[bytes]) -> None:
        if not payloads:
            return
        table = await self._ensure_topic(topic)
        rows = [(p,) for p in payloads]
        await self._db.write(
            lambda conn: conn.executemany(f"INSERT INTO {table} (payload) VALUES (?)", rows)
        )
        self._event(topic).set()

    def consumer(self, topic: str, group: str) -> Consumer:
        return SqliteConsumer(self, topic, group)

    async def lag(self, topic: str, group: str) -> int | None:
        table = await self._ensure_topic(topic)

        def read(conn: sqlite3.Connection) -> int:
            head = conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
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
            rows = await self._bus._db.read(
                functools.partial(self._read, self._position, max_records)
            )
            if rows:
                self._position = rows[-1][0]
                attempts = [1 + self._redeliveries.get(seq, 0) for seq, _ in rows]
                return Batch([p for _, p in rows], attempts, handle=(rows[0][0], rows[-1][0]))
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(event.wait(), min(remaining, self._bus.poll_interval))
            except TimeoutError:
                pass

    def _read(self, after: int, limit: int, conn: sqlite3.Connection) -> list:
        return conn.execute(
            f"SELECT seq, payload FROM {self._table} WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        ).fetchall()

    async def commit(self, batch: Batch) -> None:
        last = batch.handle[1]
        topic, group = self._topic, self._group
        await self._bus._db.write(
            lambda conn: conn.execute(
                "UPDATE offsets SET position = ? WHERE topic = ? AND grp = ? AND position < ?",
                (last, topic, group, last),
            )
        )
        self._committed = max(self._committed, last)
        if self._redeliveries:
            for seq in range(batch.handle[0], last + 1):
                self._redeliveries.pop(seq, None)

    async def release(self, batch: Batch) -> None:
        first, last = batch.handle
        for seq in range(first, last + 1):
            self._redeliveries[seq] = self._redeliveries.get(seq, 0) + 1
        self._position = self._committed
