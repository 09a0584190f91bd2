"""The composition root: which backends it builds, and what they share."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path

from earnest.config import Settings
from earnest.runtime import connect


def writers(name: str) -> int:
    """Live writer threads of the SQLite file called ``name``."""
    return sum(t.name == f"sqlite-w-{name}" and t.is_alive() for t in threading.enumerate())


def test_a_bus_and_a_store_on_one_file_share_its_one_writer(tmp_path: Path) -> None:
    name = f"shared-{uuid.uuid4().hex[:8]}.db"
    url = f"sqlite:///{tmp_path / name}"
    settings = Settings(home=tmp_path, database_url=url, broker_url=url)

    async def scenario() -> int:
        async with connect(settings) as (bus, store):
            await bus.publish("posts", [b"x"])
            await store.put_checkpoint("replay", {"position": 1})
            return writers(name)

    assert asyncio.run(scenario()) == 1
    assert writers(name) == 0  # closed once, after both


def test_a_bus_and_a_store_on_two_files_have_a_writer_each(tmp_path: Path) -> None:
    names = [f"{role}-{uuid.uuid4().hex[:8]}.db" for role in ("store", "log")]
    store_url, log_url = (f"sqlite:///{tmp_path / n}" for n in names)
    settings = Settings(home=tmp_path, database_url=store_url, broker_url=log_url)

    async def scenario() -> list[int]:
        async with connect(settings) as (bus, store):
            await bus.publish("posts", [b"x"])
            await store.put_checkpoint("replay", {"position": 1})
            return [writers(n) for n in names]

    assert asyncio.run(scenario()) == [1, 1]
    assert [writers(n) for n in names] == [0, 0]
