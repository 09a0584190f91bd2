"""The bus contract, on every backend: durable publish, groups, commit, redelivery."""

from __future__ import annotations

import asyncio

import pytest

from earnest.runtime import make_bus


def _run(coro):
    return asyncio.run(coro)


async def _drain(consumer, want: int, timeout: float = 10.0) -> list[bytes]:
    got: list[bytes] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(got) < want and loop.time() < deadline:
        batch = await consumer.fetch(100, 0.5)
        if batch:
            got.extend(batch.payloads)
            await consumer.commit(batch)
    return got


def test_every_group_gets_every_record_once(settings) -> None:
    async def scenario() -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            a = bus.consumer("posts", "group-a")
            b = bus.consumer("posts", "group-b")
            await a.fetch(1, 0.1)  # join the groups before publishing
            await b.fetch(1, 0.1)
            payloads = [f"m{i}".encode() for i in range(250)]
            await bus.publish("posts", payloads)
            assert sorted(await _drain(a, 250)) == sorted(payloads)
            assert sorted(await _drain(b, 250)) == sorted(payloads)
            assert await a.fetch(10, 0.3) is None
            assert await bus.lag("posts", "group-a") == 0
            await a.close()
            await b.close()

    _run(scenario())


def test_uncommitted_batch_is_redelivered_after_restart(settings) -> None:
    async def first_run() -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            consumer = bus.consumer("posts", "g")
            await consumer.fetch(1, 0.1)
            await bus.publish("posts", [b"one", b"two", b"three"])
            batch = await consumer.fetch(2, 5.0)
            assert batch is not None and len(batch) >= 1
            await consumer.commit(batch)
            committed = list(batch.payloads)
            batch = await consumer.fetch(10, 5.0)  # taken, never committed
            assert batch is not None
            return committed

    async def second_run(committed: list[bytes]) -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            consumer = bus.consumer("posts", "g")
            rest = await _drain(consumer, 3 - len(committed))
            assert sorted(committed + rest) == [b"one", b"three", b"two"]
            await consumer.close()

    committed = _run(first_run())
    _run(second_run(committed))


def test_released_batch_comes_back_with_more_attempts(settings) -> None:
    async def scenario() -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            consumer = bus.consumer("posts-scores", "g")
            await consumer.fetch(1, 0.1)
            await bus.publish("posts-scores", [b"x"])
            first = await consumer.fetch(10, 5.0)
            assert first is not None and first.attempts == [1]
            await consumer.release(first)
            again = await consumer.fetch(10, 5.0)
            assert again is not None and again.payloads == [b"x"] and again.attempts[0] >= 2
            await consumer.commit(again)
            assert await consumer.fetch(10, 0.3) is None
            await consumer.close()

    _run(scenario())


def test_lag_counts_uncommitted_records(settings) -> None:
    async def scenario() -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            consumer = bus.consumer("posts", "lagging")
            await consumer.fetch(1, 0.1)
            await bus.publish("posts", [b"a"] * 7)
            for _ in range(50):
                if await bus.lag("posts", "lagging") == 7:
                    break
                await asyncio.sleep(0.1)
            assert await bus.lag("posts", "lagging") == 7
            await consumer.close()

    _run(scenario())


@pytest.mark.parametrize("topic", ["Posts", "posts scores", ""])
def test_invalid_topic_names_are_refused(settings, topic: str) -> None:
    async def scenario() -> None:
        async with make_bus(settings.resolved_broker_url()) as bus:
            with pytest.raises(ValueError):
                await bus.publish(topic, [b"x"])

    _run(scenario())
