"""The stage loop with two batches in hand: a failed batch loses nothing and skips nothing."""

from __future__ import annotations

import asyncio

from earnest.errors import BackendError
from earnest.pipeline.stage import Stage, StageStats, run_stage
from earnest.runtime import connect


class FailsOnceStage(Stage):
    """Fails the first batch holding ``b"poison"``, slowly, while the next is handled."""

    group = "fails-once"
    topic = "posts"

    def __init__(self) -> None:
        self.failed = False
        self.handled: list[bytes] = []
        self.concurrent = 0
        self.most_concurrent = 0

    async def handle(self, payloads: list[bytes]) -> None:
        self.concurrent += 1
        self.most_concurrent = max(self.most_concurrent, self.concurrent)
        try:
            await asyncio.sleep(0.2)
            if b"poison" in payloads and not self.failed:
                self.failed = True
                raise BackendError("write failed (injected)")
            self.handled.extend(payloads)
        finally:
            self.concurrent -= 1


def test_a_failed_batch_is_redelivered_and_later_batches_kept(settings) -> None:
    records = [b"a", b"b", b"poison", b"c", b"d", b"e", b"f", b"g"]

    async def scenario() -> None:
        stage = FailsOnceStage()
        stop = asyncio.Event()
        stats = StageStats()
        async with connect(settings) as (bus, store):
            consumer = bus.consumer("posts", stage.group)
            await consumer.fetch(1, 0.1)  # join the group before publishing
            await consumer.close()
            for record in records:
                await bus.publish("posts", [record])
            task = asyncio.create_task(
                run_stage(stage, bus, store, stop, batch_size=2, max_attempts=3, stats=stats)
            )
            for _ in range(300):
                if set(stage.handled) == set(records) and await bus.lag("posts", stage.group) == 0:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await task
            assert set(stage.handled) == set(records)
            assert stats.retries == 1
            assert stage.most_concurrent == 2
            assert await store.dead_letters(10) == []
            assert await bus.lag("posts", stage.group) == 0

    asyncio.run(scenario())
