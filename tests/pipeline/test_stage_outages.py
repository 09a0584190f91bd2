"""The stage loop under an unreachable store: the batch is held, nothing is dead-lettered."""

from __future__ import annotations

import asyncio

from earnest.bus.base import Subscription
from earnest.errors import BackendUnavailable
from earnest.pipeline.stage import Stage, StageStats, run_stage
from earnest.runtime import connect


class FlakyStage(Stage):
    """Fails with an outage a few times, then records what it was given."""

    def __init__(self, outages: int) -> None:
        super().__init__(Subscription(group="flaky", topic="posts"))
        self.outages = outages
        self.handled: list[bytes] = []

    async def handle(self, payloads: list[bytes]) -> None:
        if self.outages:
            self.outages -= 1
            raise BackendUnavailable("database restarting (injected)")
        self.handled.extend(payloads)


def test_outage_holds_the_batch_without_spending_attempts(settings) -> None:
    async def scenario() -> None:
        stage = FlakyStage(outages=4)  # more outages than max_attempts allows deliveries
        stop = asyncio.Event()
        stats = StageStats()
        async with connect(settings) as (bus, store):
            consumer = bus.consumer("posts", "flaky")
            await consumer.fetch(1, 0.1)  # join the group before publishing
            await consumer.close()
            await bus.publish("posts", [b"a", b"b", b"c"])
            task = asyncio.create_task(
                run_stage(stage, bus, store, stop, batch_size=1000, max_attempts=2, stats=stats)
            )
            for _ in range(300):
                if stats.records == 3:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await task
            assert sorted(stage.handled) == [b"a", b"b", b"c"]
            assert stats.retries == 4
            assert await store.dead_letters(10) == []
            assert await bus.lag("posts", "flaky") == 0

    asyncio.run(scenario())
