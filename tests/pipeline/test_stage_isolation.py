"""One record's problem is that record's alone: it is dead-lettered, its neighbours flow on."""

from __future__ import annotations

import asyncio

from earnest.bus.base import Subscription
from earnest.errors import DataRejected
from earnest.pipeline.stage import Stage, StageStats, run_stage
from earnest.runtime import connect


class PickyStage(Stage):
    """Handles batches atomically, like a store transaction: one bad record fails all."""

    def __init__(self, always_fail: bool = False) -> None:
        super().__init__(Subscription(group="picky", topic="posts"))
        self.always_fail = always_fail
        self.handled: list[bytes] = []

    async def handle(self, payloads: list[bytes]) -> None:
        if self.always_fail:
            raise RuntimeError("the stage is broken (injected)")
        if b"refused" in payloads:
            raise DataRejected("value out of range (injected)")
        if b"boom" in payloads:
            raise ValueError("cannot handle boom (injected)")
        self.handled.extend(payloads)


async def _run(settings, stage: Stage, payloads: list[bytes], until, max_attempts: int = 5):
    stop = asyncio.Event()
    stats = StageStats()
    async with connect(settings) as (bus, store):
        consumer = bus.consumer(stage.topic, stage.group)
        await consumer.fetch(1, 0.1)  # join the group before publishing
        await consumer.close()
        await bus.publish(stage.topic, payloads)
        task = asyncio.create_task(
            run_stage(stage, bus, store, stop, batch_size=1000, max_attempts=max_attempts,
                      stats=stats))
        for _ in range(600):
            if until(stats) or task.done():
                break
            await asyncio.sleep(0.1)
        assert not task.done(), "the stage must not exit"
        stop.set()
        await task
        return stats, await store.dead_letters(20), await bus.lag(stage.topic, stage.group)


def test_each_bad_record_is_dead_lettered_alone_at_the_first_attempt(settings) -> None:
    stage = PickyStage()
    payloads = [b"a", b"refused", b"b", b"c", b"boom", b"d", b"e"]
    stats, letters, lag = asyncio.run(
        _run(settings, stage, payloads, lambda s: s.records == len(payloads)))
    assert sorted(stage.handled) == [b"a", b"b", b"c", b"d", b"e"]
    assert stats.retries == 0
    reasons = {letter.raw: letter.reason for letter in letters}
    assert reasons == {
        "refused": "picky failed on this record: value out of range (injected)",
        "boom": "picky failed on this record: ValueError: cannot handle boom (injected)",
    }
    assert all(letter.stage == "picky" for letter in letters)
    assert lag == 0


def test_a_batch_failing_whole_is_retried_then_dead_lettered_with_its_error(settings) -> None:
    stage = PickyStage(always_fail=True)
    stats, letters, lag = asyncio.run(
        _run(settings, stage, [b"x", b"y"], lambda s: s.dead_letters == 2, max_attempts=2))
    assert stats.retries >= 2 and stage.handled == []
    assert sorted(letter.raw for letter in letters) == ["x", "y"]
    for letter in letters:
        assert letter.reason == ("failed 2 deliveries; last error: "
                                 "RuntimeError: the stage is broken (injected)")
    assert lag == 0
