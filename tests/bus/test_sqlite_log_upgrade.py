"""The embedded log written one row per record (earlier releases) is packed on start."""

from __future__ import annotations

import asyncio
import sqlite3

from earnest.runtime import make_bus


def test_an_unpacked_log_keeps_its_records_and_positions(tmp_path) -> None:
    path = tmp_path / "earnest.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE topic_posts (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                 " payload BLOB NOT NULL)")
    conn.executemany("INSERT INTO topic_posts (payload) VALUES (?)",
                     [(f"r{i}".encode(),) for i in range(1, 2501)])
    conn.execute("CREATE TABLE offsets (topic TEXT NOT NULL, grp TEXT NOT NULL,"
                 " position INTEGER NOT NULL, PRIMARY KEY (topic, grp)) WITHOUT ROWID")
    conn.execute("INSERT INTO offsets VALUES ('posts', 'g', 1200)")
    conn.commit()
    conn.close()

    async def scenario() -> None:
        async with make_bus(f"sqlite:///{path}") as bus:
            assert await bus.lag("posts", "g") == 1300
            consumer = bus.consumer("posts", "g")
            got: list[bytes] = []
            while (batch := await consumer.fetch(700, 0.1)) is not None:
                got.extend(batch.payloads)
                await consumer.commit(batch)
            await consumer.close()
            assert got == [f"r{i}".encode() for i in range(1201, 2501)]
            await bus.publish("posts", [b"next"])
            assert await bus.lag("posts", "g") == 1

    asyncio.run(scenario())
    tables = {row[0] for row in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "topic_posts" not in tables and "log_posts" in tables
