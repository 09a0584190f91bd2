"""Ingest from an endless source: each poll published and checkpointed when the source
says so, its gaps stored with it, and ``stop`` heard while the source waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

from earnest.pipeline.ingest import run_ingest
from earnest.pipeline.wiring import SOURCE_TOPIC
from earnest.records import Post
from earnest.runtime import connect
from earnest.sources.base import FLUSH, Gap, Record, Source
from earnest.testing import run_until_idle

T0 = 1_700_000_000.0


class Polls(Source):
    """Two polls, then waiting for a third that never comes. Its state moves on as soon
    as a poll is handed over, as a live source's does while the poll is delivered."""

    checkpoint_name = "polls"

    def __init__(self) -> None:
        self.polled = 0
        self.waiting = asyncio.Event()

    def checkpoint_state(self) -> dict:
        return {"polled": self.polled}

    async def stream(self, start: int, stop: asyncio.Event) -> AsyncGenerator[Record, None]:
        for poll in range(2):
            for i in range(3):
                yield Post(id=f"p{poll}{i}", subreddit="science", title=f"post {i}",
                           created_utc=T0 + 10 * poll + i)
            if poll == 1:
                yield Gap("science", T0 + 5, T0 + 9, found_at=T0 + 20)
            self.polled = poll + 1
            yield FLUSH
            self.polled += 0.5  # reading the next poll began
        self.waiting.set()
        await stop.wait()


def test_each_poll_is_published_and_checkpointed_at_once(settings) -> None:
    async def scenario() -> None:
        source = Polls()
        stop = asyncio.Event()
        async with connect(settings) as (bus, store):
            job = asyncio.create_task(run_ingest(source, bus, store, stop, topic=SOURCE_TOPIC,
                                                 batch_size=1000))
            await asyncio.wait_for(source.waiting.wait(), 10)
            for _ in range(100):  # the last poll's delivery, in flight
                if (await store.get_checkpoint("polls") or {}).get("polled") == 2:
                    break
                await asyncio.sleep(0.05)
            # The state as the poll was handed over, not as the source moved on since.
            assert await store.get_checkpoint("polls") == {"polled": 2, "position": 6}
            assert await store.gaps(10) == [Gap("science", T0 + 5, T0 + 9, T0 + 20)]
            stopped = time.monotonic()
            stop.set()
            progress = await asyncio.wait_for(job, 5)
            assert time.monotonic() - stopped < 1
            assert (progress.published, progress.gaps, progress.finished) == (6, 1, False)
        await run_until_idle(settings)
        async with connect(settings) as (_, store):
            assert (await store.counts()).posts == 6

    asyncio.run(scenario())
